package org.asynclm.training.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The optimiser's one-call step (tools/make_adamw_module.py) against torch.optim.AdamW's and clip_grad_norm_'s
 * formulas worked out here in doubles: two weights, a first step whose gradients exceed the clipping norm and a second
 * that does not, so that the clipping, both moments and both bias corrections are each exercised. The gradients are
 * those of sum(p · c), which are c.
 */
class AdamWTest {
    private static final double LR = 0.01;
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPS = 1e-8;
    private static final double DECAY = 0.01;
    private static final double MAX_NORM = 1.0;

    @Test
    void clipsThenStepsAsTorchDoes() {
        double[][] start = {{0.5, -1.0, 2.0, 0.0}, {3.0, -0.25}};
        double[][][] grads = {{{1.0, 2.0, -2.0, 0.5}, {-1.5, 1.0}}, {{0.1, -0.2, 0.05, 0.0}, {0.3, 0.01}}};
        try (NDManager m = NDManager.newBaseManager(Device.cpu());
             AdamW adam = new AdamW(m, BETA1, BETA2, EPS, DECAY)) {
            Map<String, NDArray> params = new LinkedHashMap<>();
            for (int i = 0; i < start.length; i++) {
                NDArray p = m.create(floats(start[i]), new Shape(start[i].length));
                p.setRequiresGradient(true);
                params.put("w" + i, p);
            }
            double[][] want = {start[0].clone(), start[1].clone()};
            double[][] first = {new double[4], new double[2]};
            double[][] second = {new double[4], new double[2]};
            for (int step = 1; step <= 2; step++) {
                double[][] c = grads[step - 1];
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDArray loss = params.get("w0").mul(m.create(floats(c[0]), new Shape(4))).sum()
                            .add(params.get("w1").mul(m.create(floats(c[1]), new Shape(2))).sum());
                    collector.backward(loss);
                }
                double norm = Math.sqrt(sumOfSquares(c));
                double scale = norm > MAX_NORM ? MAX_NORM / norm : 1;
                for (int i = 0; i < want.length; i++) {
                    for (int j = 0; j < want[i].length; j++) {
                        double g = c[i][j] * scale;
                        first[i][j] += (g - first[i][j]) * (1 - BETA1);
                        second[i][j] = second[i][j] * BETA2 + (1 - BETA2) * g * g;
                        double denominator = Math.sqrt(second[i][j]) / Math.sqrt(1 - Math.pow(BETA2, step)) + EPS;
                        want[i][j] = want[i][j] * (1 - LR * DECAY)
                                - LR / (1 - Math.pow(BETA1, step)) * first[i][j] / denominator;
                    }
                }
                assertEquals(norm, adam.update(params, LR, MAX_NORM), 1e-6, "the norm before clipping, step " + step);
                for (int i = 0; i < want.length; i++) {
                    float[] got = params.get("w" + i).toFloatArray();
                    for (int j = 0; j < want[i].length; j++) {
                        assertEquals(want[i][j], got[j], 1e-6, "w" + i + "[" + j + "] after step " + step);
                    }
                    for (float g : params.get("w" + i).getGradient().toFloatArray()) {
                        assertEquals(0f, g, "gradients zeroed for the next step's accumulation");
                    }
                }
            }
            assertEquals(2, adam.step());
        }
    }

    private static double sumOfSquares(double[][] c) {
        double s = 0;
        for (double[] row : c) {
            for (double v : row) {
                s += v * v;
            }
        }
        return s;
    }

    private static float[] floats(double[] v) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) v[i];
        }
        return out;
    }
}
