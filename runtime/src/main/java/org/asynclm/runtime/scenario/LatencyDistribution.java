package org.asynclm.runtime.scenario;

import java.util.SplittableRandom;

/**
 * Latencies between {@code min} and {@code max} with the given {@code mean}: a truncated exponential whose rate is
 * solved so the mean comes out exactly (mirrored when the mean lies above the midpoint; uniform at the midpoint).
 * The paper's evaluation tools, 30 to 500 ms with mean 110 ms, are {@code 30:500:110}.
 */
public record LatencyDistribution(double minMs, double maxMs, double meanMs) {

    public static final LatencyDistribution PAPER_EVAL_TOOLS = new LatencyDistribution(30, 500, 110);

    public LatencyDistribution {
        if (!(minMs >= 0 && minMs <= meanMs && meanMs <= maxMs) || Double.isInfinite(maxMs)) {
            throw new IllegalArgumentException("latency needs 0 <= min <= mean <= max (got " + minMs + ":" + maxMs
                    + ":" + meanMs + ")");
        }
        if (minMs < maxMs && (meanMs == minMs || meanMs == maxMs)) {
            throw new IllegalArgumentException("latency mean must lie strictly between min and max (got "
                    + minMs + ":" + maxMs + ":" + meanMs + ")");
        }
    }

    /** Parses {@code MIN:MAX:MEAN} in milliseconds. */
    public static LatencyDistribution parse(String spec) {
        String[] p = spec.split(":");
        if (p.length != 3) {
            throw new IllegalArgumentException("latency must be MIN:MAX:MEAN in ms, e.g. 30:500:110 (got '" + spec + "')");
        }
        try {
            return new LatencyDistribution(Double.parseDouble(p[0]), Double.parseDouble(p[1]), Double.parseDouble(p[2]));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("latency must be MIN:MAX:MEAN in ms, e.g. 30:500:110 (got '" + spec + "')");
        }
    }

    public double sampleMs(SplittableRandom rng) {
        double width = maxMs - minMs;
        if (width == 0) {
            return minMs;
        }
        double u = rng.nextDouble();
        double target = meanMs - minMs;
        if (Math.abs(target - width / 2) < 1e-12 * width) {
            return minMs + u * width;
        }
        boolean mirrored = target > width / 2;
        double rate = rateFor(mirrored ? width - target : target, width);
        double x = -Math.log1p(-u * -Math.expm1(-rate * width)) / rate;
        return mirrored ? maxMs - x : minMs + x;
    }

    /** Rate of an exponential truncated to [0, width] whose mean is {@code mean} (< width / 2). */
    private static double rateFor(double mean, double width) {
        double lo = 1e-12 / width;
        double hi = 1.0;
        while (truncatedMean(hi, width) > mean) {
            hi *= 2;
        }
        for (int k = 0; k < 200; k++) {
            double mid = (lo + hi) / 2;
            if (truncatedMean(mid, width) > mean) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return (lo + hi) / 2;
    }

    static double truncatedMean(double rate, double width) {
        double x = rate * width;
        if (x < 1e-6) {
            return width / 2;
        }
        return 1 / rate - width / Math.expm1(x);
    }

    @Override
    public String toString() {
        return compact(minMs) + ":" + compact(maxMs) + ":" + compact(meanMs);
    }

    private static String compact(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}
