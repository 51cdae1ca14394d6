package org.asynclm.eval.learning;

import java.util.List;
import java.util.function.Predicate;
import org.asynclm.runtime.EndState;

/**
 * Rates over a set of {@link RunCheck}s; {@code runawayRate}: the share of turns the runaway guard ended. The makespan ratios are means over the tasks the model got right (a wrong
 * run's time says nothing), null when there are none.
 */
public record LearningMetrics(int n, double cmlValidRate, double allCallsOnceRate, double dependencyOkRate,
                              double scenarioOkRate, Double makespanRatioVsTeacher, Double makespanRatioVsSync,
                              double runawayRate) {

    public static LearningMetrics of(List<RunCheck> runs) {
        List<RunCheck> ok = runs.stream().filter(RunCheck::ok).toList();
        return new LearningMetrics(runs.size(), rate(runs, RunCheck::cmlValid), rate(runs, RunCheck::allCallsOnce),
                rate(runs, RunCheck::dependenciesOk), rate(runs, RunCheck::ok),
                ok.isEmpty() ? null : ok.stream().mapToDouble(r -> (double) r.makespanNanos() / r.teacherNanos())
                        .average().orElseThrow(),
                ok.isEmpty() ? null : ok.stream().mapToDouble(r -> (double) r.makespanNanos() / r.syncNanos())
                        .average().orElseThrow(),
                rate(runs, r -> r.endState() == EndState.RUNAWAY));
    }

    private static double rate(List<RunCheck> runs, Predicate<RunCheck> p) {
        return runs.isEmpty() ? 0 : (double) runs.stream().filter(p).count() / runs.size();
    }
}
