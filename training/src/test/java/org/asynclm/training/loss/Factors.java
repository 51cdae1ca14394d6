package org.asynclm.training.loss;

import ai.djl.ndarray.NDArray;
import java.util.SplittableRandom;
import org.asynclm.model.llama.TrainableLlama;

/** Test set-up for comparing LoRA gradients. */
final class Factors {
    private Factors() {
    }

    /**
     * Adds small seeded values to every trained array. A fresh adapter's B is zero, which would leave A without a
     * gradient to compare.
     */
    static void giveEachAValue(TrainableLlama llama) {
        SplittableRandom rng = new SplittableRandom(3);
        for (NDArray p : llama.parameters().values()) {
            float[] values = p.toFloatArray();
            for (int i = 0; i < values.length; i++) {
                values[i] += (float) (rng.nextGaussian() * 0.02);
            }
            p.set(values);
        }
    }
}
