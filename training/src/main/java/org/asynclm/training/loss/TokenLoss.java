package org.asynclm.training.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.asynclm.model.llama.TrainableLlama;

/**
 * {@link MaskedCrossEntropy} on the autograd graph: the mean next-token cross-entropy over a packed row's trained
 * tokens, as a scalar array to call backward on. The count is a native constant (see DJL's scalar pitfall).
 */
public final class TokenLoss {
    private TokenLoss() {
    }

    /** The number of tokens the loss covers: trained, and preceded by a token of the same example. */
    public static int count(int[] ids, boolean[] trained, int[] examples) {
        return (int) total(unitWeights(trained), examples);
    }

    /** {@code logits} [t, vocab] of the row; the result is divided by {@code tokens} (the whole batch's count). */
    public static NDArray mean(NDManager m, NDArray logits, int[] ids, boolean[] trained, int[] examples, int tokens) {
        TrainableLlama.RowLoss loss = over(m, ids, trained, examples, tokens);
        return loss.of(TrainableLlama.RowLoss.rowsAt(m, logits, loss.positions(), 0, loss.positions().length), 0);
    }

    /**
     * The same loss as a {@link TrainableLlama.RowLoss}: its share from the logits of any stretch of its positions,
     * so that the stretches' losses add up to {@link #mean}'s.
     */
    public static TrainableLlama.RowLoss over(NDManager m, int[] ids, boolean[] trained, int[] examples, int tokens) {
        return over(m, ids, unitWeights(trained), examples, tokens);
    }

    /**
     * Each token of a row weighted: {@code weights[i]} is token i's share of the step's loss before the division by
     * {@code total} (the whole batch's {@link #total}); a weight of 0 keeps it off the loss. Weights of 1 on the
     * trained tokens and {@code total} their {@link #count} are {@link #over(NDManager, int[], boolean[], int[], int)}.
     * The loss reads the logits only at the positions i that predict a weighted token i + 1 of the same example. A
     * row with none still reads position 0, at weight 0, so that its loss is a zero on the graph and backward runs
     * as for any row.
     */
    public static TrainableLlama.RowLoss over(NDManager m, int[] ids, float[] weights, int[] examples, double total) {
        NDArray count = m.full(new Shape(), (float) total, DataType.FLOAT32);
        int[] found = IntStream.range(0, ids.length - 1)
                .filter(i -> examples[i + 1] == examples[i] && weights[i + 1] != 0f).toArray();
        int[] positions = found.length > 0 ? found : new int[] {0};
        long[] next = new long[positions.length];     // the token each position predicts, and its weight
        float[] weight = new float[positions.length];
        if (found.length > 0) {
            for (int k = 0; k < positions.length; k++) {
                next[k] = ids[positions[k] + 1];
                weight[k] = weights[positions[k] + 1];
            }
        }
        return new TrainableLlama.RowLoss() {
            @Override
            public int[] positions() {
                return positions;
            }

            @Override
            public NDArray of(NDArray logits, int from) {
                int n = (int) logits.getShape().get(0);
                NDArray picked = logits.logSoftmax(1)
                        .gather(m.create(Arrays.copyOfRange(next, from, from + n), new Shape(n, 1)), 1).reshape(n);
                return picked.mul(m.create(Arrays.copyOfRange(weight, from, from + n), new Shape(n))).sum().neg()
                        .div(count);
            }
        };
    }

    /** The sum of the weights the loss covers: those of tokens preceded by a token of the same example. */
    public static double total(float[] weights, int[] examples) {
        double sum = 0;
        for (int i = 1; i < weights.length; i++) {
            sum += examples[i] == examples[i - 1] ? weights[i] : 0;
        }
        return sum;
    }

    private static float[] unitWeights(boolean[] trained) {
        float[] w = new float[trained.length];
        for (int i = 0; i < trained.length; i++) {
            w[i] = trained[i] ? 1f : 0f;
        }
        return w;
    }
}
