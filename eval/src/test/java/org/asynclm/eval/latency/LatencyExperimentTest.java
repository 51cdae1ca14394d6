package org.asynclm.eval.latency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.asynclm.runtime.CostModel;
import org.asynclm.runtime.Method;
import org.asynclm.runtime.scenario.LatencyDistribution;
import org.asynclm.runtime.scenario.Scenario;
import org.asynclm.runtime.sim.Simulator;
import org.asynclm.runtime.tokens.ByteTokenizer;
import org.junit.jupiter.api.Test;

class LatencyExperimentTest {
    private static final List<Method> ALL = List.of(Method.SYNC, Method.SYNC_PARALLEL, Method.ASYNC_NAIVE, Method.ASYNC);

    private static LatencyExperiment.Result run(Dataset d, CostModel cost, int n) {
        List<Scenario> s = d.scenarios(n, LatencyDistribution.PAPER_EVAL_TOOLS, 1);
        Simulator sim = new Simulator(new ByteTokenizer(), cost, "lpt", 1, 100_000);
        return LatencyExperiment.run(d.cliName(), s, sim, cost, "lpt", 1, "30:500:110", ALL, i -> { });
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
        LatencyExperiment.Result r = run(Dataset.SYNTHETIC_PARALLEL, CostModel.local(5, 0), 200);
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
        assertTrue(stats.get(3).speedupVsSync() > stats.get(1).speedupVsSync());
        assertTrue(stats.get(3).p10Ms() <= stats.get(3).p50Ms() && stats.get(3).p50Ms() <= stats.get(3).p90Ms());
    }

    @Test
    void multiStepParallelScenariosAreThreeChainsOfOneToFiveCalls() {
        for (Scenario s : Dataset.SYNTHETIC_MULTI_STEP_PARALLEL.scenarios(100, LatencyDistribution.PAPER_EVAL_TOOLS, 3)) {
            long roots = s.calls().stream().filter(c -> c.deps().isEmpty()).count();
            assertEquals(3, roots, s.name());
            assertTrue(s.calls().size() >= 3 && s.calls().size() <= 15);
        }
    }

    @Test
    void theCloudDeploymentWidensTheGapAsThePaperExplains() {
        LatencyExperiment.Result local = run(Dataset.SYNTHETIC_MULTI_STEP_PARALLEL, CostModel.local(5, 0), 60);
        LatencyExperiment.Result cloud = run(Dataset.SYNTHETIC_MULTI_STEP_PARALLEL,
                new CostModel(5_000_000, 0, CostModel.Deployment.CLOUD, 310_000_000, 0), 60);
        double localAsync = local.stats().get(3).speedupVsSync();
        double cloudAsync = cloud.stats().get(3).speedupVsSync();
        assertTrue(cloudAsync > localAsync + 0.5, local.stats() + " vs " + cloud.stats());
        assertEquals(local.stats().get(3).meanMs(), cloud.stats().get(3).meanMs(), 1e-9,
                "async keeps its request open, so TTFT never touches it");
    }
}
