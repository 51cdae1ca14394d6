package org.asynclm.runtime.teacher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.asynclm.runtime.CostModel;
import org.asynclm.runtime.Method;
import org.asynclm.runtime.Outcome;
import org.asynclm.runtime.scenario.Scenario;
import org.asynclm.runtime.scenario.ScenarioCall;
import org.asynclm.runtime.sim.Simulator;
import org.asynclm.runtime.timeline.Timeline;
import org.asynclm.runtime.tokens.ByteTokenizer;
import org.junit.jupiter.api.Test;

class PolicyTest {

    /**
     * The paper's counter-example: c depends on a and E(a) < E(b) < E(c). LPT issues b-a-c; a-c-b is optimal when
     * writing b takes longer than a runs (here 120 ms of decode against 100 ms), so the model should wait for a.
     */
    @Test
    void criticalPathFindsTheOrderLptMisses() {
        Scenario s = new Scenario("abc", "", List.of(
                call("a", List.of(), 100), call("b", List.of(), 150), call("c", List.of("a"), 400)), "Done.");
        List<String> orders = new ArrayList<>();
        long[] makespan = new long[2];
        PolicyName[] policies = {PolicyName.LPT, PolicyName.CRITICAL_PATH};
        for (int k = 0; k < 2; k++) {
            Simulator sim = new Simulator(new ByteTokenizer(), CostModel.local(10, 0), policies[k], 0, 10_000);
            Outcome o = sim.run(s, Method.ASYNC, Timeline.NONE);
            orders.add(String.join("-", o.calls().stream().map(c -> c.id()).toList()));
            makespan[k] = o.lastResultNanos();
        }
        assertEquals(List.of("b-a-c", "a-c-b"), orders);
        assertEquals(860_000_000L, makespan[0], "b 0-120, a 120-240 done 340, c 340-460 done 860");
        assertEquals(740_000_000L, makespan[1], "a 0-120 done 220, wait, c 220-340 done 740, b 340-460 done 610");
    }

    /** The same seed gives the same order; other seeds give other orders, most of them not LPT's. */
    @Test
    void randomPolicyIsSeeded() {
        Scenario s = new Scenario("r", "", List.of(call("a", List.of(), 1), call("b", List.of(), 2),
                call("c", List.of(), 3), call("d", List.of(), 4)), "Done.");
        List<ScenarioCall> lpt = Policy.create(PolicyName.LPT, s, c -> 0, 0).order(s.calls());
        Set<List<ScenarioCall>> seen = new HashSet<>();
        int notLpt = 0;
        for (long seed = 0; seed < 20; seed++) {
            List<ScenarioCall> order = Policy.create(PolicyName.RANDOM, s, c -> 0, seed).order(s.calls());
            assertEquals(order, Policy.create(PolicyName.RANDOM, s, c -> 0, seed).order(s.calls()), "seed " + seed);
            seen.add(order);
            notLpt += order.equals(lpt) ? 0 : 1;
        }
        assertTrue(seen.size() >= 5, "20 seeds gave " + seen.size() + " orders of 24");
        assertTrue(notLpt >= 15, notLpt + " of 20 orders differ from LPT's");
    }

    private static ScenarioCall call(String id, List<String> deps, long ms) {
        return new ScenarioCall(id, "f_" + id, Map.of("x", 1L), deps, ms * 1_000_000, ms * 1_000_000,
                JsonNodeFactory.instance.objectNode().put("ok", true));
    }
}
