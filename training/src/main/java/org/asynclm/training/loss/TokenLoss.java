package org.asynclm.training.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * {@link MaskedCrossEntropy} on the autograd graph: the mean next-token cross-entropy over a packed row's trained
 * tokens, as a scalar array to call backward on. The count is a native constant (see DJL's scalar pitfall).
 */
public final class TokenLoss {
    private TokenLoss() {
    }

    /** The number of tokens the loss covers: trained, and preceded by a token of the same example. */
    public static int count(int[] ids, boolean[] trained, int[] examples) {
        int n = 0;
        for (int i = 1; i < ids.length; i++) {
            n += trained[i] && examples[i] == examples[i - 1] ? 1 : 0;
        }
        return n;
    }

    /** {@code logits} [t, vocab] of the row; the result is divided by {@code tokens} (the whole batch's count). */
    public static NDArray mean(NDManager m, NDArray logits, int[] ids, boolean[] trained, int[] examples, int tokens) {
        int t = ids.length;
        long[] next = new long[t];
        float[] weight = new float[t];
        for (int i = 0; i + 1 < t; i++) {
            next[i] = ids[i + 1];
            weight[i] = trained[i + 1] && examples[i + 1] == examples[i] ? 1f : 0f;
        }
        NDArray picked = logits.logSoftmax(1).gather(m.create(next, new Shape(t, 1)), 1).reshape(t);
        NDArray total = picked.mul(m.create(weight, new Shape(t))).sum().neg();
        return total.div(m.full(new Shape(), (float) tokens, DataType.FLOAT32));
    }
}
