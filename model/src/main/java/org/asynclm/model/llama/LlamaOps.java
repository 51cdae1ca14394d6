package org.asynclm.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;

/**
 * The pieces of a Llama layer, shared by inference ({@link Llama}) and training ({@link TrainableLlama}). Scalars
 * are native arrays made once: a Java float passed to an op is freed while autograd may still need it.
 */
record LlamaOps(LlamaConfig config, NDArray eps, NDArray scale) {

    static LlamaOps create(LlamaConfig config, NDManager manager) {
        return new LlamaOps(config, manager.full(new Shape(), (float) config.rmsNormEps(), DataType.FLOAT32),
                manager.full(new Shape(), (float) (1.0 / Math.sqrt(config.headDim())), DataType.FLOAT32));
    }

    NDArray rmsNorm(NDArray x, NDArray weight) {
        NDArray variance = x.mul(x).mean(new int[] {1}, true);
        return x.div(variance.add(eps).sqrt()).mul(weight);
    }

    /** q·cos + rotate_half(q)·sin, rotate_half(x) = concat(−x₂, x₁) over the halves of the head dimension. */
    NDArray rope(NDArray x, NDArray cos, NDArray sin) {
        // one split, not two index gets: DJL's get slices every axis, and each slice's backward copies the whole array
        NDList halves = x.split(new long[] {config.headDim() / 2}, 2);
        NDArray rotated = NDArrays.concat(new NDList(halves.get(1).neg(), halves.get(0)), 2);
        return x.mul(cos).add(rotated.mul(sin));
    }

    /** softmax(q·kᵀ/√d + mask)·v per head; each key/value head serves heads/kvHeads consecutive query heads. */
    NDArray attention(NDArray q, NDArray k, NDArray v, NDArray mask) {
        int groups = config.heads() / config.kvHeads();
        NDArray keys = groups == 1 ? k : k.repeat(1, groups);
        NDArray vals = groups == 1 ? v : v.repeat(1, groups);
        NDArray qh = q.transpose(1, 0, 2);          // [heads, t, d]
        NDArray kh = keys.transpose(1, 2, 0);       // [heads, d, s]
        NDArray vh = vals.transpose(1, 0, 2);       // [heads, s, d]
        NDArray scores = qh.matMul(kh).mul(scale).add(mask);
        NDArray out = scores.softmax(2).matMul(vh);  // [heads, t, d]
        return out.transpose(1, 0, 2).reshape(q.getShape().get(0), config.heads() * config.headDim());
    }

    /** SwiGLU: down(silu(gate(x)) · up(x)), weights transposed. */
    NDArray mlp(NDArray x, NDArray gateT, NDArray upT, NDArray downT) {
        return silu(x.matMul(gateT)).mul(x.matMul(upT)).matMul(downT);
    }

    NDArray silu(NDArray x) {
        return x.mul(Activation.sigmoid(x));
    }

    /** Cos and sin tables [t, 1, headDim] for the given positions. */
    NDArray[] ropeTables(NDManager m, double[] inverseFrequencies, int[] positions) {
        Shape shape = new Shape(positions.length, 1, config.headDim());
        return new NDArray[] {
            m.create(flat(Rope.table(inverseFrequencies, positions, false)), shape),
            m.create(flat(Rope.table(inverseFrequencies, positions, true)), shape)};
    }

    /** 0 where token i may attend to token j of the same example at or before it, −∞ elsewhere: [t, t]. */
    static float[] blockCausalMask(int[] examples) {
        int t = examples.length;
        float[] mask = new float[t * t];
        for (int i = 0; i < t; i++) {
            for (int j = 0; j < t; j++) {
                if (j > i || examples[j] != examples[i]) {
                    mask[i * t + j] = Float.NEGATIVE_INFINITY;
                }
            }
        }
        return mask;
    }

    /** Positions restarting at 0 for each example. */
    static int[] positions(int[] examples) {
        int[] positions = new int[examples.length];
        for (int i = 1; i < examples.length; i++) {
            positions[i] = examples[i] == examples[i - 1] ? positions[i - 1] + 1 : 0;
        }
        return positions;
    }

    static float[] flat(float[][] rows) {
        float[] out = new float[rows.length * (rows.length == 0 ? 0 : rows[0].length)];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, out, i * rows[i].length, rows[i].length);
        }
        return out;
    }
}
