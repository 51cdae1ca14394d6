package org.asynclm.eval.latency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.asynclm.runtime.CostModel;
import org.asynclm.runtime.Method;
import org.asynclm.runtime.scenario.LatencyDistribution;
import org.asynclm.runtime.scenario.Scenario;
import org.asynclm.runtime.scenario.SyntheticScenarios;
import org.asynclm.runtime.sim.Simulator;
import org.asynclm.runtime.teacher.PolicyName;
import org.asynclm.runtime.tokens.ByteTokenizer;
import org.junit.jupiter.api.Test;

public class LatencyExperimentTest {
    private static final List<Method> ALL = List.of(Method.SYNC, Method.SYNC_PARALLEL, Method.ASYNC_NAIVE, Method.ASYNC);

    public static List<Scenario> parallel(int n) {
        List<Scenario> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(SyntheticScenarios.parallel(2 + i % 7, LatencyDistribution.PAPER_EVAL_TOOLS, i));
        }
        return out;
    }

    static List<Scenario> multiStepParallel(int n) {
        List<Scenario> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(SyntheticScenarios.multiStepParallel(LatencyDistribution.PAPER_EVAL_TOOLS, i));
        }
        return out;
    }

    private static LatencyExperiment.Result run(String dataset, List<Scenario> s, CostModel cost) {
        Simulator sim = new Simulator(new ByteTokenizer(), cost, PolicyName.LPT, 1, 100_000);
        return LatencyExperiment.run(dataset, s, sim, cost, PolicyName.LPT, 1, "30:500:110", "byte", ALL, i -> { });
    }

    @Test
    void percentilesInterpolateLikeNumpy() {
        double[] v = {4, 1, 3, 2};
        assertEquals(1.3, MethodStats.percentile(v, 0.1), 1e-12);
        assertEquals(2.5, MethodStats.percentile(v, 0.5), 1e-12);
        assertEquals(3.7, MethodStats.percentile(v, 0.9), 1e-12);
        assertEquals(7.0, MethodStats.percentile(new double[] {7}, 0.9), 0);
    }

    @Test
    void everyParallelScenarioObeysTheOrderingAndTheClosedForm() {
        LatencyExperiment.Result r = run("synthetic-parallel", parallel(200), CostModel.local(5, 0));
        for (LatencyExperiment.ScenarioResult s : r.scenarios()) {
            long lb = s.bounds().lowerBound();
            assertTrue(s.makespan(Method.ASYNC) <= s.makespan(Method.SYNC_PARALLEL));
            assertTrue(s.makespan(Method.SYNC_PARALLEL) <= s.makespan(Method.SYNC));
            ALL.forEach(m -> assertTrue(s.makespan(m) >= lb));
            assertEquals(s.bounds().closedFormAsyncLpt(), s.outcomes().get(Method.ASYNC).lastResultNanos());
            assertEquals(s.bounds().closedFormSync(), s.outcomes().get(Method.SYNC).lastResultNanos());
        }
        List<MethodStats> stats = r.stats();
        assertEquals(1.0, stats.get(0).speedupVsSync(), 1e-12);
        stats.forEach(st -> assertEquals(1.0, st.accuracy(), "the teacher is always right: " + st.method()));
        assertTrue(stats.get(3).speedupVsSync() > stats.get(1).speedupVsSync());
        assertTrue(stats.get(3).p10Ms() <= stats.get(3).p50Ms() && stats.get(3).p50Ms() <= stats.get(3).p90Ms());
    }

    @Test
    void theCloudDeploymentWidensTheGapAsThePaperExplains() {
        LatencyExperiment.Result local = run("synthetic-multi-step-parallel", multiStepParallel(60),
                CostModel.local(5, 0));
        LatencyExperiment.Result cloud = run("synthetic-multi-step-parallel", multiStepParallel(60),
                new CostModel(5_000_000, 0, CostModel.Deployment.CLOUD, 310_000_000));
        cloud.stats().forEach(st -> assertEquals(1.0, st.orderRate(), "teacher respects dependencies"));
        double localAsync = local.stats().get(3).speedupVsSync();
        double cloudAsync = cloud.stats().get(3).speedupVsSync();
        assertTrue(cloudAsync > localAsync + 0.5, local.stats() + " vs " + cloud.stats());
        assertEquals(local.stats().get(3).meanMs(), cloud.stats().get(3).meanMs(), 1e-9,
                "async keeps its request open, so TTFT never touches it");
    }
}
