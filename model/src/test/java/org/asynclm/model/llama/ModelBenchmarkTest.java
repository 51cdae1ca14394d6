package org.asynclm.model.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ModelBenchmarkTest {
    @Test
    void theRecomputeFitRecoversKnownCoefficients() {
        int[] n = {64, 128, 256, 512, 1024};
        double[] t = new double[n.length];
        for (int i = 0; i < n.length; i++) {
            t[i] = 0.3 * n[i] * n[i] + 1500.0 * n[i];
        }
        double[] fit = ModelBenchmark.fitQuadraticThroughOrigin(n, t);
        assertEquals(0.3, fit[0], 1e-9);
        assertEquals(1500.0, fit[1], 1e-6);
        double[] sublinear = ModelBenchmark.fitQuadraticThroughOrigin(n, new double[] {100, 190, 370, 720, 1400});
        assertEquals(0.0, sublinear[0], "a falling quadratic term is clamped to zero");
        assertEquals(true, sublinear[1] > 1.3 && sublinear[1] < 1.5);
    }
}
