package org.asynclm.eval.latency;

import java.util.Arrays;
import org.asynclm.runtime.Method;

/**
 * A method's makespans over a scenario set, in milliseconds: mean and the 10th, 50th and 90th percentiles (linear
 * interpolation between order statistics, as numpy's default), speedup over Sync as the ratio of mean makespans,
 * and the mean ratio to each scenario's lower bound; and the paper's accuracy ({@link CallAccuracy}): the share of
 * scenarios fully correct, of calls matching the ground truth, and of matched calls in a valid order.
 */
public record MethodStats(Method method, double meanMs, double p10Ms, double p50Ms, double p90Ms,
                          double speedupVsSync, double ratioToLowerBound, double prefillTokens, double idleMs,
                          double interrupts, double traps, double accuracy, double callMatchRate, double orderRate) {

    public static double percentile(double[] values, double q) {
        double[] v = values.clone();
        Arrays.sort(v);
        if (v.length == 0) {
            return Double.NaN;
        }
        double pos = q * (v.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(v.length - 1, lo + 1);
        return v[lo] + (v[hi] - v[lo]) * (pos - lo);
    }

    public static double mean(double[] values) {
        return Arrays.stream(values).average().orElse(Double.NaN);
    }
}
