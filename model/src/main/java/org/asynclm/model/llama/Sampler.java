package org.asynclm.model.llama;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.asynclm.runtime.TokenFilter;

/**
 * Picks the next token among those the filter allows (the CML mask as a logit mask): greedy at temperature 0,
 * otherwise a draw from the softmax at that temperature restricted to the top-p nucleus, from a seeded generator.
 */
public final class Sampler {
    private final double temperature;
    private final double topP;
    private final SplittableRandom rng;

    public Sampler(double temperature, double topP, long seed) {
        if (temperature < 0 || !(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("temperature must be >= 0 and top-p in (0, 1]");
        }
        this.temperature = temperature;
        this.topP = topP;
        this.rng = new SplittableRandom(seed);
    }

    /** log softmax(logits)[index], computed in double. */
    public static double logProbability(float[] logits, int index) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (float v : logits) {
            sum += Math.exp(v - max);
        }
        return logits[index] - max - Math.log(sum);
    }

    public static Sampler greedy() {
        return new Sampler(0, 1, 0);
    }

    public int pick(float[] logits, TokenFilter allowed) {
        int best = -1;
        for (int v = 0; v < logits.length; v++) {
            if (allowed.allows(v) && (best < 0 || logits[v] > logits[best])) {
                best = v;
            }
        }
        if (best < 0) {
            throw new IllegalStateException("the mask allows no token");
        }
        if (temperature == 0) {
            return best;
        }
        double[] p = new double[logits.length];
        double sum = 0;
        for (int v = 0; v < logits.length; v++) {
            if (allowed.allows(v)) {
                p[v] = Math.exp((logits[v] - logits[best]) / temperature);
                sum += p[v];
            }
        }
        Integer[] order = new Integer[logits.length];
        for (int v = 0; v < order.length; v++) {
            order[v] = v;
        }
        Arrays.sort(order, (a, b) -> Double.compare(p[b], p[a]));
        double kept = 0;
        int n = 0;
        while (n < order.length && p[order[n]] > 0 && (n == 0 || kept < topP * sum)) {
            kept += p[order[n++]];
        }
        double x = rng.nextDouble() * kept;
        for (int i = 0; i < n; i++) {
            x -= p[order[i]];
            if (x <= 0) {
                return order[i];
            }
        }
        return order[n - 1];
    }
}
