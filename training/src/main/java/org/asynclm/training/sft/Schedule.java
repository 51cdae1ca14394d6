package org.asynclm.training.sft;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.asynclm.runtime.config.ConfigName;

/**
 * Learning rate per step: cycles of a linear warm-up over {@code warmupFraction} of the cycle, then a cosine decay to
 * zero. {@code cycleStarts} are the steps the cycles begin at, ascending from 0; the last cycle ends at
 * {@code totalSteps}.
 */
public record Schedule(double peak, double warmupFraction, int[] cycleStarts, int totalSteps) {

    /**
     * One cycle over the whole run, or one per stage of it (the recall, copy and every-token steps, then the rest).
     * Over one cycle a late stage inherits the run's tail: the quickstart's steps on what the model writes, 7,001 to
     * 12,000, run at 14% of the peak on average. Per stage each begins again at the peak. On the quickstart's
     * recipe over two row orders that gained no more than the orders' own spread (README, learning table rows 42-45),
     * so RUN is the default.
     */
    public enum Cycles implements ConfigName { RUN, STAGES }

    public Schedule {
        if (cycleStarts.length == 0 || cycleStarts[0] != 0) {
            throw new IllegalArgumentException("the first cycle starts at step 0");
        }
        cycleStarts = cycleStarts.clone();
    }

    /** One cycle over {@code totalSteps}. */
    public static Schedule single(double peak, double warmupFraction, int totalSteps) {
        return new Schedule(peak, warmupFraction, new int[] {0}, totalSteps);
    }

    /** {@code cycles} over a run whose stages take {@code stageSteps} steps each, in order, and the rest after them. */
    public static Schedule of(Cycles cycles, double peak, double warmupFraction, int totalSteps, int... stageSteps) {
        if (cycles == Cycles.RUN) {
            return single(peak, warmupFraction, totalSteps);
        }
        int[] ends = new int[stageSteps.length];
        Arrays.setAll(ends, i -> (i == 0 ? 0 : ends[i - 1]) + stageSteps[i]);
        int[] starts = IntStream.concat(IntStream.of(0), Arrays.stream(ends))
                .filter(s -> s < totalSteps).distinct().toArray();
        return new Schedule(peak, warmupFraction, starts, totalSteps);
    }

    /** The rate for step {@code s}, counted from 0. */
    public double at(int s) {
        int cycle = cycleStarts.length - 1;
        while (cycleStarts[cycle] > s) {
            cycle--;
        }
        int start = cycleStarts[cycle];
        int length = (cycle + 1 < cycleStarts.length ? cycleStarts[cycle + 1] : totalSteps) - start;
        int warmupSteps = (int) Math.round(warmupFraction * length);
        int k = s - start;
        if (k < warmupSteps) {
            return peak * (k + 1) / warmupSteps;
        }
        double progress = (double) (k - warmupSteps) / Math.max(1, length - warmupSteps);
        return peak * 0.5 * (1 + Math.cos(Math.PI * progress));
    }
}
