package org.asynclm.datagen.trace;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.asynclm.datagen.config.Range;
import org.asynclm.datagen.synthetic.SyntheticGenerator;
import org.asynclm.runtime.CostModel;
import org.asynclm.runtime.Method;
import org.asynclm.runtime.scenario.LatencyDistribution;
import org.asynclm.runtime.scenario.Scenario;
import org.asynclm.runtime.sim.OptimalOrder;
import org.asynclm.runtime.sim.Simulator;
import org.asynclm.runtime.teacher.PolicyName;
import org.asynclm.runtime.timeline.Timeline;
import org.asynclm.runtime.tokens.ByteTokenizer;
import org.junit.jupiter.api.Test;

/**
 * Multi-step-parallel tasks (three chains of 1 to 5 calls, tools 30-500 ms, about 100-225 ms of decode per call):
 * critical-path must do no worse than LPT on average, and strictly better on some tasks.
 */
class PolicyComparisonTest {

    @Test
    void criticalPathBeatsLptOnMultiStepParallelTasks() {
        SyntheticGenerator g = new SyntheticGenerator(SyntheticGenerator.shapes(new Range(2, 2), new Range(3, 3),
                new Range(1, 5)), LatencyDistribution.PAPER_EVAL_TOOLS::sampleMs, new Range(1, 1));
        CostModel cost = CostModel.local(3, 0);
        Simulator lpt = new Simulator(new ByteTokenizer(), cost, PolicyName.LPT, 0, 100_000);
        Simulator cp = new Simulator(new ByteTokenizer(), cost, PolicyName.CRITICAL_PATH, 0, 100_000);
        double sumLpt = 0;
        double sumCp = 0;
        int better = 0;
        int worse = 0;
        int n = 2000;
        for (int i = 0; i < n; i++) {
            Scenario s = g.generate("chains", "msp" + i, new SplittableRandom(i));
            long a = lpt.run(s, Method.ASYNC, Timeline.NONE).makespanNanos();
            long b = cp.run(s, Method.ASYNC, Timeline.NONE).makespanNanos();
            sumLpt += a;
            sumCp += b;
            better += b < a ? 1 : 0;
            worse += b > a ? 1 : 0;
        }
        System.out.printf("critical-path vs LPT over %d multi-step-parallel tasks: mean %.1f vs %.1f ms (%.2f%%), "
                + "better on %.1f%%, worse on %.1f%%%n", n, sumCp / n / 1e6, sumLpt / n / 1e6,
                100 * (sumCp / sumLpt - 1), 100.0 * better / n, 100.0 * worse / n);
        assertTrue(sumCp <= sumLpt);
        assertTrue(better > 0);
    }

    /**
     * Against the exact optimum (every issue order the dependencies allow, run through the runtime) on the same kind
     * of task, where there are at most 2,000 orders to try.
     */
    @Test
    void policiesAgainstTheExactOptimum() {
        SyntheticGenerator g = new SyntheticGenerator(SyntheticGenerator.shapes(new Range(2, 2), new Range(3, 3),
                new Range(1, 5)), LatencyDistribution.PAPER_EVAL_TOOLS::sampleMs, new Range(1, 1));
        CostModel cost = CostModel.local(3, 0);
        PolicyName[] policies = {PolicyName.LPT, PolicyName.CRITICAL_PATH};
        Simulator[] sims = {new Simulator(new ByteTokenizer(), cost, policies[0], 0, 100_000),
                new Simulator(new ByteTokenizer(), cost, policies[1], 0, 100_000)};
        double[] sum = new double[2];
        double[] worst = new double[2];
        int[] optimal = new int[2];
        int tasks = 0;
        for (int i = 0; tasks < 300; i++) {
            Scenario s = g.generate("chains", "msp" + i, new SplittableRandom(i));
            var best = OptimalOrder.search(s, new ByteTokenizer(), cost, 100_000, 2000);
            if (best.isEmpty()) {
                continue;
            }
            tasks++;
            for (int k = 0; k < 2; k++) {
                double ratio = (double) sims[k].run(s, Method.ASYNC, Timeline.NONE).makespanNanos()
                        / best.get().makespanNanos();
                assertTrue(ratio >= 1, s.name() + ": " + policies[k] + " beats the optimum");
                sum[k] += ratio;
                worst[k] = Math.max(worst[k], ratio);
                optimal[k] += ratio == 1 ? 1 : 0;
            }
        }
        for (int k = 0; k < 2; k++) {
            System.out.printf("%s over %d multi-step-parallel tasks with <= 2000 orders: %.2f%% above the optimum on "
                    + "average, %.1f%% at worst, optimal on %.0f%%%n", policies[k], tasks, 100 * (sum[k] / tasks - 1),
                    100 * (worst[k] - 1), 100.0 * optimal[k] / tasks);
        }
        assertTrue(sum[1] <= sum[0], "critical-path is closer to the optimum than LPT on average");
    }
}
