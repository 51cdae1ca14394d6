package org.asynclm.training.loss;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.asynclm.model.llama.TrainableLlama;

/** Test set-up and comparison for the gradients of two ways of computing one training step. */
final class GradientChecks {
    private GradientChecks() {
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

    /** Every trained array's gradient by name, after a backward. */
    static Map<String, float[]> gradients(TrainableLlama llama) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : llama.parameters().entrySet()) {
            try (NDArray g = e.getValue().getGradient()) {
                out.put(e.getKey(), g.toFloatArray());
            }
        }
        return out;
    }

    /**
     * Asserts that each array of {@code got} is within {@code tolerance} of {@code want} at its own scale
     * (max |diff| / max(floor, max |value|)) and that none is all zeros; returns the worst ratio.
     */
    static double compare(Map<String, float[]> want, Map<String, float[]> got, double floor, double tolerance) {
        assertTrue(want.keySet().equals(got.keySet()), want.keySet() + " vs " + got.keySet());
        double worst = 0;
        for (String name : want.keySet()) {
            float[] w = want.get(name);
            float[] g = got.get(name);
            double scale = 0;
            double diff = 0;
            for (int i = 0; i < w.length; i++) {
                scale = Math.max(scale, Math.abs(w[i]));
                diff = Math.max(diff, Math.abs(w[i] - g[i]));
            }
            assertTrue(scale > 0, name + " is all zeros: nothing was compared");
            double ratio = diff / Math.max(floor, scale);
            worst = Math.max(worst, ratio);
            assertTrue(ratio <= tolerance, name + ": max |diff| " + diff + " at scale " + scale);
        }
        return worst;
    }
}
