package org.asynclm.eval.latency;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import java.util.function.ToDoubleFunction;
import java.util.function.ToIntFunction;
import org.asynclm.runtime.CostModel;
import org.asynclm.runtime.Method;
import org.asynclm.runtime.Outcome;
import org.asynclm.runtime.scenario.Scenario;
import org.asynclm.runtime.sim.Bounds;
import org.asynclm.runtime.sim.Simulator;
import org.asynclm.runtime.teacher.PolicyName;
import org.asynclm.runtime.timeline.Timeline;
import org.asynclm.runtime.timeline.TimelineRecorder;

/**
 * Runs every scenario under every method on the same calls and latencies (the teacher knows the ground truth, as
 * the paper's "cheat sheet"), and summarises the makespans.
 */
public final class LatencyExperiment {

    /** One scenario's outcome under each method. */
    public record ScenarioResult(Scenario scenario, Bounds bounds, Map<Method, Outcome> outcomes) {
        public long makespan(Method m) {
            return outcomes.get(m).makespanNanos();
        }

        public CallAccuracy.Verdict verdict(Method m) {
            return CallAccuracy.check(scenario, outcomes.get(m));
        }
    }

    /** What was run and what came out; {@code tokenizer} names what counted the tokens. */
    public record Result(String dataset, CostModel cost, PolicyName policy, long seed, String toolLatency,
                         String tokenizer, List<Method> methods, List<ScenarioResult> scenarios) {

        public List<MethodStats> stats() {
            List<MethodStats> out = new ArrayList<>();
            double syncMean = methods.contains(Method.SYNC) ? MethodStats.mean(makespans(Method.SYNC)) : Double.NaN;
            for (Method m : methods) {
                double[] ms = makespans(m);
                double mean = MethodStats.mean(ms);
                out.add(new MethodStats(m, mean, MethodStats.percentile(ms, 0.1), MethodStats.percentile(ms, 0.5),
                        MethodStats.percentile(ms, 0.9), syncMean / mean,
                        average(s -> (double) s.makespan(m) / s.bounds().lowerBound()),
                        average(s -> s.outcomes().get(m).prefillTokens()),
                        average(s -> s.outcomes().get(m).idleNanos() / 1e6),
                        average(s -> s.outcomes().get(m).interrupts()),
                        average(s -> s.outcomes().get(m).traps()),
                        average(s -> s.verdict(m).correct() ? 1 : 0),
                        ratio(s -> s.verdict(m).matched(), s -> s.verdict(m).expected()),
                        ratio(s -> s.verdict(m).ordered(), s -> s.verdict(m).matched())));
            }
            return out;
        }

        public double[] makespans(Method m) {
            return scenarios.stream().mapToDouble(s -> s.makespan(m) / 1e6).toArray();
        }

        public double meanLowerBoundMs() {
            return average(s -> s.bounds().lowerBound() / 1e6);
        }

        /** The scenario whose Async speedup over Sync is the median, for the timeline figure. */
        public ScenarioResult medianScenario() {
            Method fast = methods.contains(Method.ASYNC) ? Method.ASYNC : methods.get(methods.size() - 1);
            Method slow = methods.get(0);
            List<ScenarioResult> sorted = new ArrayList<>(scenarios);
            sorted.sort((a, b) -> Double.compare((double) a.makespan(slow) / a.makespan(fast),
                    (double) b.makespan(slow) / b.makespan(fast)));
            return sorted.get(sorted.size() / 2);
        }

        private double ratio(ToIntFunction<ScenarioResult> num,
                             ToIntFunction<ScenarioResult> den) {
            long n = scenarios.stream().mapToLong(num::applyAsInt).sum();
            long d = scenarios.stream().mapToLong(den::applyAsInt).sum();
            return d == 0 ? Double.NaN : (double) n / d;
        }

        private double average(ToDoubleFunction<ScenarioResult> f) {
            return scenarios.stream().mapToDouble(f).average().orElse(Double.NaN);
        }
    }

    private LatencyExperiment() {
    }

    public static Result run(String dataset, List<Scenario> scenarios, Simulator sim, CostModel cost, PolicyName policy,
                             long seed, String toolLatency, String tokenizer, List<Method> methods,
                             IntConsumer progress) {
        List<ScenarioResult> results = new ArrayList<>(scenarios.size());
        for (Scenario s : scenarios) {
            Map<Method, Outcome> outcomes = new LinkedHashMap<>();
            for (Method m : methods) {
                outcomes.put(m, sim.run(s, m, Timeline.NONE));
            }
            results.add(new ScenarioResult(s, sim.bounds(s), outcomes));
            progress.accept(results.size());
        }
        return new Result(dataset, cost, policy, seed, toolLatency, tokenizer, List.copyOf(methods), results);
    }

    /** Re-runs one scenario with timelines recorded, one per method. */
    public static Map<Method, TimelineRecorder> timelines(Scenario s, Simulator sim, List<Method> methods) {
        Map<Method, TimelineRecorder> out = new LinkedHashMap<>();
        for (Method m : methods) {
            TimelineRecorder rec = new TimelineRecorder();
            sim.run(s, m, rec);
            out.put(m, rec);
        }
        return out;
    }
}
