package org.asynclm.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.asynclm.cml.Block;
import org.asynclm.cml.BlockKind;
import org.asynclm.cml.CmlEvent;
import org.asynclm.cml.CmlParser;
import org.asynclm.runtime.scenario.LatencyDistribution;
import org.asynclm.runtime.scenario.Scenario;
import org.asynclm.runtime.scenario.SyntheticScenarios;
import org.asynclm.runtime.sim.Bounds;
import org.asynclm.runtime.sim.Simulator;
import org.asynclm.runtime.teacher.PolicyName;
import org.asynclm.runtime.timeline.Timeline;
import org.asynclm.runtime.tokens.ByteTokenizer;
import org.junit.jupiter.api.Test;

/** The teacher on the virtual clock against the paper's closed forms and the lower bound, over many scenarios. */
class SimulationPropertyTest {
    private static final List<Method> ALL = List.of(Method.SYNC, Method.SYNC_PARALLEL, Method.ASYNC_NAIVE, Method.ASYNC);

    @Test
    void independentCallsMatchTheClosedFormsExactly() {
        SplittableRandom rng = new SplittableRandom(11);
        for (int k = 0; k < 3000; k++) {
            int n = rng.nextInt(1, 13);
            double tpot = rng.nextInt(1, 31);
            LatencyDistribution lat = k % 2 == 0 ? LatencyDistribution.PAPER_EVAL_TOOLS
                    : new LatencyDistribution(1, 1000, rng.nextDouble(2, 999));
            Scenario s = SyntheticScenarios.parallel(n, lat, k);
            Simulator sim = new Simulator(new ByteTokenizer(), CostModel.local(tpot, 0), PolicyName.LPT, k, 100_000);
            Bounds b = sim.bounds(s);
            Map<Method, Outcome> o = runAll(sim, s);
            String at = s.name() + " tpot=" + tpot;
            assertEquals(b.closedFormSync(), o.get(Method.SYNC).lastResultNanos(), at);
            assertEquals(b.closedFormSyncParallel(), o.get(Method.SYNC_PARALLEL).lastResultNanos(), at);
            assertEquals(b.closedFormAsyncLpt(), o.get(Method.ASYNC).lastResultNanos(), at);
            assertEquals(b.closedFormAsyncLpt(), o.get(Method.ASYNC_NAIVE).lastResultNanos(), at);
        }
    }

    @Test
    void noMethodBeatsTheLowerBoundAndAsyncNeverLosesOnParallelOrChains() {
        SplittableRandom rng = new SplittableRandom(7);
        for (int k = 0; k < 3000; k++) {
            Scenario s = k % 2 == 0
                    ? SyntheticScenarios.parallel(rng.nextInt(1, 11), LatencyDistribution.PAPER_EVAL_TOOLS, k)
                    : SyntheticScenarios.chains(rng.nextInt(1, 5), rng.nextInt(1, 6), LatencyDistribution.PAPER_EVAL_TOOLS, k);
            double tpot = rng.nextInt(5, 16);
            double prefill = k % 3 == 0 ? 0 : rng.nextDouble(0, 0.5);
            Simulator sim = new Simulator(new ByteTokenizer(), CostModel.local(tpot, prefill), PolicyName.LPT, k, 100_000);
            long lb = sim.bounds(s).lowerBound();
            Map<Method, Outcome> o = runAll(sim, s);
            String at = s.name() + " tpot=" + tpot + " prefill=" + prefill;
            for (Outcome out : o.values()) {
                assertTrue(out.lastResultNanos() >= lb, at + " " + out.method() + " beat the lower bound");
                assertTrue(out.makespanNanos() >= lb, at);
                assertEquals(EndState.DONE, out.endState(), at);
                assertEquals(List.of(), out.errors(), at);
            }
            long sync = o.get(Method.SYNC).makespanNanos();
            long syncPar = o.get(Method.SYNC_PARALLEL).makespanNanos();
            long async = o.get(Method.ASYNC).makespanNanos();
            assertTrue(syncPar <= sync, at + ": sync-parallel " + syncPar + " > sync " + sync);
            assertTrue(async <= syncPar, at + ": async " + async + " > sync-parallel " + syncPar);
            assertTrue(async <= o.get(Method.ASYNC_NAIVE).makespanNanos(), at);
        }
    }

    @Test
    void everyCallGetsExactlyOneInterruptAndNoneLandsInsideABlock() {
        for (int k = 0; k < 500; k++) {
            Scenario s = SyntheticScenarios.chains(1 + k % 4, 1 + k % 5, LatencyDistribution.PAPER_EVAL_TOOLS, k);
            Simulator sim = new Simulator(new ByteTokenizer(), CostModel.local(5 + k % 20, 0.1), PolicyName.LPT, k, 100_000);
            for (Method m : ALL) {
                Outcome o = sim.run(s, m, Timeline.NONE);
                CmlParser p = new CmlParser();
                List<CmlEvent> events = new ArrayList<>();
                p.feed(o.transcript(), events);
                p.finish(events);
                Map<String, Integer> interrupts = new HashMap<>();
                Map<String, Long> callEnds = new HashMap<>();
                for (CmlEvent e : events) {
                    assertTrue(!(e instanceof CmlEvent.Violation), s.name() + " " + m + ": " + e);
                    if (e instanceof CmlEvent.Closed c) {
                        Block b = c.block();
                        if (b.kind() == BlockKind.CALL) {
                            callEnds.put(b.id(), b.end());
                        } else if (b.kind() == BlockKind.INTERRUPT) {
                            assertTrue(callEnds.containsKey(b.id()), "interrupt before its call: " + b.id());
                            interrupts.merge(b.id(), 1, Integer::sum);
                        }
                    }
                }
                assertEquals(s.calls().size(), callEnds.size());
                s.calls().forEach(c -> assertEquals(1, interrupts.get(c.id()), s.name() + " " + m + " " + c.id()));
                for (CallRecord r : o.calls()) {
                    assertTrue(r.injectedAt() >= r.arrivedAt() && r.arrivedAt() >= r.startedAt()
                            && r.startedAt() >= r.blockEnd(), r.toString());
                }
            }
        }
    }

    @Test
    void sameInputsGiveTheSameOutcome() {
        Scenario s = SyntheticScenarios.chains(3, 3, LatencyDistribution.PAPER_EVAL_TOOLS, 5);
        Simulator sim = new Simulator(new ByteTokenizer(), CostModel.local(5, 0.05), PolicyName.LPT, 5, 100_000);
        assertEquals(sim.run(s, Method.ASYNC, Timeline.NONE), sim.run(s, Method.ASYNC, Timeline.NONE));
    }

    @Test
    void asyncNaiveRePrefillsTheWholeContextAndPaysForIt() {
        Scenario s = SyntheticScenarios.parallel(4, LatencyDistribution.PAPER_EVAL_TOOLS, 3);
        Simulator sim = new Simulator(new ByteTokenizer(), CostModel.local(5, 0.2), PolicyName.LPT, 3, 100_000);
        Outcome naive = sim.run(s, Method.ASYNC_NAIVE, Timeline.NONE);
        Outcome async = sim.run(s, Method.ASYNC, Timeline.NONE);
        assertTrue(naive.prefillTokens() > 10 * async.prefillTokens());
        assertTrue(naive.makespanNanos() > async.makespanNanos());
        assertEquals(async.transcript(), naive.transcript(), "same meaning, different cost");
    }

    @Test
    void cloudDeploymentChargesARestartToEveryMethodButAsync() {
        Scenario s = SyntheticScenarios.parallel(3, LatencyDistribution.PAPER_EVAL_TOOLS, 9);
        CostModel cloud = new CostModel(CostModel.msToNanos(5), 0, CostModel.Deployment.CLOUD, CostModel.msToNanos(310));
        Simulator local = new Simulator(new ByteTokenizer(), CostModel.local(5, 0), PolicyName.LPT, 9, 100_000);
        Simulator remote = new Simulator(new ByteTokenizer(), cloud, PolicyName.LPT, 9, 100_000);
        long restart = CostModel.msToNanos(310);
        assertEquals(local.run(s, Method.SYNC, Timeline.NONE).makespanNanos() + 3 * restart,
                remote.run(s, Method.SYNC, Timeline.NONE).makespanNanos());
        assertEquals(local.run(s, Method.SYNC_PARALLEL, Timeline.NONE).makespanNanos() + restart,
                remote.run(s, Method.SYNC_PARALLEL, Timeline.NONE).makespanNanos());
        assertEquals(local.run(s, Method.ASYNC, Timeline.NONE).makespanNanos(),
                remote.run(s, Method.ASYNC, Timeline.NONE).makespanNanos());
    }

    private static Map<Method, Outcome> runAll(Simulator sim, Scenario s) {
        Map<Method, Outcome> out = new HashMap<>();
        for (Method m : ALL) {
            out.put(m, sim.run(s, m, Timeline.NONE));
        }
        return out;
    }
}
