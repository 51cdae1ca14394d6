package org.asynclm.runtime.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LatencyDistributionTest {

    private static double mean(LatencyDistribution d, int n) {
        SplittableRandom rng = new SplittableRandom(42);
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double x = d.sampleMs(rng);
            assertTrue(x >= d.minMs() && x <= d.maxMs(), "sample " + x + " outside " + d);
            sum += x;
        }
        return sum / n;
    }

    @Test
    void samplesHaveTheRequestedMeanWithinTheRange() {
        // Standard error of a mean of 200k samples is below 0.3 ms for these ranges.
        assertEquals(110, mean(LatencyDistribution.PAPER_EVAL_TOOLS, 200_000), 1.0);
        assertEquals(400, mean(new LatencyDistribution(30, 500, 400), 200_000), 1.0);
        assertEquals(265, mean(new LatencyDistribution(30, 500, 265), 200_000), 1.0);
        assertEquals(7, mean(new LatencyDistribution(7, 7, 7), 10), 0);
    }

    @Test
    void truncatedMeanFormulaMatchesIntegration() {
        double rate = 0.013;
        double width = 470;
        double num = 0;
        double den = 0;
        for (int i = 0; i < 1_000_000; i++) {
            double x = (i + 0.5) * width / 1_000_000;
            double w = Math.exp(-rate * x);
            num += x * w;
            den += w;
        }
        assertEquals(num / den, LatencyDistribution.truncatedMean(rate, width), 1e-6);
    }

    @Test
    void rejectsImpossibleRanges() {
        assertThrows(IllegalArgumentException.class, () -> LatencyDistribution.parse("500:30:110"));
        assertThrows(IllegalArgumentException.class, () -> LatencyDistribution.parse("30:500:600"));
        assertThrows(IllegalArgumentException.class, () -> LatencyDistribution.parse("30:500"));
        assertThrows(IllegalArgumentException.class, () -> LatencyDistribution.parse("a:b:c"));
        assertThrows(IllegalArgumentException.class, () -> LatencyDistribution.parse("30:500:30"));
    }
}
