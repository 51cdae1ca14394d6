package org.asynclm.model.llama;

import java.util.Arrays;
import org.asynclm.runtime.CacheCosts;

/**
 * Measures what the trap handler's cost model needs and what decoding costs: prefill throughput, decode time per
 * token at two context lengths, the cost of swapping a cached token out and back, and recompute time fitted as
 * {@code a·n² + b·n} by least squares over several context lengths. Medians of repeated runs.
 */
public final class ModelBenchmark {

    public record Result(double prefillTokensPerSecond, double decodeMsAt64, double decodeMsAt1024,
                         double swapMicrosPerToken, double recomputeQuadraticNanos, double recomputeLinearNanos) {

        /** The trap handler's costs; holding memory is priced by the operator, so it stays as given. */
        public CacheCosts calibration(double keepNanosPerTokenSecond) {
            return new CacheCosts(keepNanosPerTokenSecond, swapMicrosPerToken * 1000 / 2, recomputeQuadraticNanos,
                    recomputeLinearNanos);
        }
    }

    private ModelBenchmark() {
    }

    public static Result run(Llama model, int repeats) {
        int[] lengths = {64, 128, 256, 512, 1024};
        double[] prefillNanos = new double[lengths.length];
        for (int i = 0; i < lengths.length; i++) {
            int n = lengths[i];
            prefillNanos[i] = median(repeats, () -> {
                try (Llama.Cache c = model.newCache()) {
                    long t = System.nanoTime();
                    model.forward(c, tokens(n));
                    return System.nanoTime() - t;
                }
            });
        }
        double[] fit = fitQuadraticThroughOrigin(lengths, prefillNanos);
        return new Result(1024 / (prefillNanos[4] / 1e9), decodeMs(model, 64, repeats), decodeMs(model, 1024, repeats),
                swapMicros(model, 1024, repeats), fit[0], fit[1]);
    }

    private static double decodeMs(Llama model, int context, int repeats) {
        try (Llama.Cache c = model.newCache()) {
            model.forward(c, tokens(context));
            int steps = 32;
            double nanos = median(repeats, () -> {
                long t = System.nanoTime();
                for (int s = 0; s < steps; s++) {
                    model.forward(c, new int[] {65 + s % 26});
                }
                return System.nanoTime() - t;
            });
            return nanos / steps / 1e6;
        }
    }

    private static double swapMicros(Llama model, int context, int repeats) {
        try (Llama.Cache c = model.newCache()) {
            model.forward(c, tokens(context));
            double nanos = median(repeats, () -> {
                long t = System.nanoTime();
                c.swapOut();
                c.swapIn();
                return System.nanoTime() - t;
            });
            return nanos / context / 1e3;
        }
    }

    private static int[] tokens(int n) {
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = 32 + i % 90;
        }
        return ids;
    }

    private interface Timed {
        long nanos();
    }

    private static double median(int repeats, Timed f) {
        f.nanos(); // warm-up
        double[] v = new double[Math.max(1, repeats)];
        for (int i = 0; i < v.length; i++) {
            v[i] = f.nanos();
        }
        Arrays.sort(v);
        return v[v.length / 2];
    }

    /**
     * Least squares for t = a·n² + b·n with a, b ≥ 0 (no constant: nothing to recompute costs nothing). A cost that
     * fell with length would be noise, and a negative term would price long contexts below zero.
     */
    static double[] fitQuadraticThroughOrigin(int[] n, double[] t) {
        double s4 = 0;
        double s3 = 0;
        double s2 = 0;
        double t2 = 0;
        double t1 = 0;
        for (int i = 0; i < n.length; i++) {
            double x = n[i];
            s4 += x * x * x * x;
            s3 += x * x * x;
            s2 += x * x;
            t2 += t[i] * x * x;
            t1 += t[i] * x;
        }
        double det = s4 * s2 - s3 * s3;
        double a = (t2 * s2 - t1 * s3) / det;
        double b = (s4 * t1 - s3 * t2) / det;
        if (a < 0) {
            return new double[] {0, Math.max(0, t1 / s2)};
        }
        if (b < 0) {
            return new double[] {Math.max(0, t2 / s4), 0};
        }
        return new double[] {a, b};
    }
}
