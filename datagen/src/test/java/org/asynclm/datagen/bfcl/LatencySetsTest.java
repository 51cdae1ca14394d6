package org.asynclm.datagen.bfcl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.asynclm.bfcl.BfclData;
import org.asynclm.cml.BlockKind;
import org.asynclm.cml.CmlEvent;
import org.asynclm.cml.CmlParser;
import org.asynclm.datagen.LatencyDataset;
import org.asynclm.runtime.CallRecord;
import org.asynclm.runtime.CostModel;
import org.asynclm.runtime.Method;
import org.asynclm.runtime.Outcome;
import org.asynclm.runtime.scenario.LatencyDistribution;
import org.asynclm.runtime.scenario.Scenario;
import org.asynclm.runtime.sim.Bounds;
import org.asynclm.runtime.sim.Simulator;
import org.asynclm.runtime.teacher.PolicyName;
import org.asynclm.runtime.timeline.Timeline;
import org.asynclm.runtime.tokens.ByteTokenizer;
import org.junit.jupiter.api.Test;

class LatencySetsTest {

    @Test
    void everyBfclParallelScenarioReproducesTheClosedForms() throws Exception {
        List<Scenario> set = BfclTasks.forLatency(new BfclData(BfclTasksTest.BFCL), LatencyDataset.PARALLEL, 200, 0, 0.25,
                LatencyDistribution.PAPER_EVAL_TOOLS::sampleMs, null);
        assertEquals(200, set.size());
        Simulator sim = new Simulator(new ByteTokenizer(), CostModel.local(5, 0), PolicyName.LPT, 0, 100_000);
        for (Scenario s : set) {
            Bounds b = sim.bounds(s);
            long sync = sim.run(s, Method.SYNC, Timeline.NONE).makespanNanos();
            long syncPar = sim.run(s, Method.SYNC_PARALLEL, Timeline.NONE).makespanNanos();
            Outcome async = sim.run(s, Method.ASYNC, Timeline.NONE);
            assertEquals(b.closedFormAsyncLpt(), async.lastResultNanos(), s.name());
            assertTrue(async.makespanNanos() <= syncPar && syncPar <= sync, s.name());
            assertTrue(async.makespanNanos() >= b.lowerBound(), s.name());
        }
    }

    @Test
    void userInterruptsDeliverTheThreeRequestsAtTheirTimes() throws Exception {
        long[] at = {0, 200_000_000L, 400_000_000L};
        List<Scenario> set = BfclTasks.forLatency(new BfclData(BfclTasksTest.BFCL), LatencyDataset.MULTI_STEP_PARALLEL, 30, 0, 0.25,
                LatencyDistribution.PAPER_EVAL_TOOLS::sampleMs, at);
        Simulator sim = new Simulator(new ByteTokenizer(), CostModel.local(5, 0), PolicyName.LPT, 0, 100_000);
        for (Scenario s : set) {
            assertEquals(3, s.followUps().size());
            Outcome o = sim.run(s, Method.ASYNC, Timeline.NONE);
            int users = 0;
            CmlParser p = new CmlParser();
            for (CmlEvent e : p.feed(o.transcript())) {
                if (e instanceof CmlEvent.Closed c && c.block().kind() == BlockKind.INTERRUPT
                        && c.block().id().equals("user")) {
                    users++;
                }
            }
            assertEquals(3, users, s.name());
            for (CallRecord r : o.calls()) {
                long release = r.id().startsWith("b") ? at[1] : r.id().startsWith("c") ? at[2] : 0;
                assertTrue(r.blockStart() >= release, r.id() + " written before its request arrived: " + r.blockStart());
            }
            assertTrue(o.makespanNanos() >= sim.bounds(s).lowerBound());
        }
    }
}
