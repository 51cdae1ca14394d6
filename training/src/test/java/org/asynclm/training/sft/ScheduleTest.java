package org.asynclm.training.sft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The learning rate's warm-up and cosine decay, over the run or over each stage. */
class ScheduleTest {

    @Test
    void oneCycleWarmsUpLinearlyThenDecaysByCosineToZero() {
        Schedule s = Schedule.single(1.0, 0.1, 100);
        assertEquals(0.1, s.at(0), 1e-12);
        assertEquals(1.0, s.at(9), 1e-12);
        assertEquals(1.0, s.at(10), 1e-12);                       // the decay's progress 0
        assertEquals(0.5, s.at(55), 1e-12);                       // half way through the 90 decay steps
        assertEquals(0.5 * (1 + Math.cos(Math.PI * 89 / 90)), s.at(99), 1e-12);
    }

    @Test
    void perStageEachStageStartsAgainAtThePeak() {
        // the quickstart's shape: no recall steps, 7,000 copy steps, no every-token steps, 12,000 in all
        Schedule s = Schedule.of(Schedule.Cycles.STAGES, 3e-3, 0.03, 12_000, 0, 7_000, 0);
        assertEquals(3e-3 / 210, s.at(0), 1e-15);                 // warm-up: 3% of the copy stage's 7,000
        assertEquals(3e-3, s.at(209), 1e-15);
        assertTrue(s.at(6_999) < 1e-9, "the copy stage ends near zero: " + s.at(6_999));
        assertEquals(3e-3 / 150, s.at(7_000), 1e-15);             // warm-up again: 3% of the 5,000 after it
        assertEquals(3e-3, s.at(7_149), 1e-15);
        assertEquals(1.5e-3, s.at(7_150 + 2_425), 1e-15);         // half way through that stage's 4,850 decay steps
    }

    @Test
    void overTheRunTheStagesAreOneCycle() {
        // warm-up over 3% of all 12,000 steps (360), then one decay over the other 11,640, across the stage boundary
        Schedule s = Schedule.of(Schedule.Cycles.RUN, 3e-3, 0.03, 12_000, 0, 7_000, 0);
        assertEquals(3e-3 / 360, s.at(0), 1e-15);
        assertEquals(3e-3, s.at(359), 1e-15);
        assertEquals(3e-3 * 0.5 * (1 + Math.cos(Math.PI * 6_640 / 11_640)), s.at(7_000), 1e-15);
        assertEquals(1.5e-3, s.at(360 + 5_820), 1e-15);
    }

    @Property(tries = 200)
    void everyRateIsPositiveAndAtMostThePeak(@ForAll @IntRange(min = 0, max = 50) int recall,
                                            @ForAll @IntRange(min = 0, max = 50) int copy,
                                            @ForAll @IntRange(min = 0, max = 50) int everyToken,
                                            @ForAll @IntRange(min = 1, max = 200) int total) {
        Schedule s = Schedule.of(Schedule.Cycles.STAGES, 1.0, 0.1, total, recall, copy, everyToken);
        for (int step = 0; step < total; step++) {
            double lr = s.at(step);
            assertTrue(lr > 0 && lr <= 1.0, "step " + step + ": " + lr);
        }
    }
}
