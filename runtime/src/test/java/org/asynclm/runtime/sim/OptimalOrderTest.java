package org.asynclm.runtime.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.asynclm.runtime.CostModel;
import org.asynclm.runtime.Method;
import org.asynclm.runtime.scenario.Scenario;
import org.asynclm.runtime.scenario.ScenarioCall;
import org.asynclm.runtime.teacher.PolicyName;
import org.asynclm.runtime.timeline.Timeline;
import org.asynclm.runtime.tokens.ByteTokenizer;
import org.junit.jupiter.api.Test;

class OptimalOrderTest {
    private static final CostModel COST = CostModel.local(10, 0);

    private static ScenarioCall call(String id, List<String> deps, long ms) {
        return new ScenarioCall(id, "f_" + id, Map.of("x", 1L), deps, ms * 1_000_000, ms * 1_000_000,
                JsonNodeFactory.instance.objectNode().put("ok", true));
    }

    private static long policy(Scenario s, PolicyName policy) {
        return new Simulator(new ByteTokenizer(), COST, policy, 0, 10_000).run(s, Method.ASYNC, Timeline.NONE)
                .makespanNanos();
    }

    @Test
    void countsTheOrdersTheDependenciesAllow() {
        assertEquals(24, OptimalOrder.count(new Scenario("free", "", List.of(call("a", List.of(), 1),
                call("b", List.of(), 1), call("c", List.of(), 1), call("d", List.of(), 1)), "Done.")));
        assertEquals(1, OptimalOrder.count(new Scenario("chain", "", List.of(call("a", List.of(), 1),
                call("b", List.of("a"), 1), call("c", List.of("b"), 1)), "Done.")));
        // two chains of two: choose the 2 slots of the first chain among 4
        assertEquals(6, OptimalOrder.count(new Scenario("2x2", "", List.of(call("a", List.of(), 1),
                call("b", List.of("a"), 1), call("c", List.of(), 1), call("d", List.of("c"), 1)), "Done.")));
    }

    /** The paper's counter-example: the optimum is a-c-b, which critical-path finds and LPT (b-a-c) misses. */
    @Test
    void findsThePapersOptimalOrder() {
        Scenario s = new Scenario("abc", "", List.of(
                call("a", List.of(), 100), call("b", List.of(), 150), call("c", List.of("a"), 400)), "Done.");
        OptimalOrder.Result best = OptimalOrder.search(s, new ByteTokenizer(), COST, 10_000, 100).orElseThrow();
        assertEquals(List.of("a", "c", "b"), best.order());
        assertEquals(3, best.ordersTried());
        assertEquals(policy(s, PolicyName.CRITICAL_PATH), best.makespanNanos());
        assertTrue(policy(s, PolicyName.LPT) > best.makespanNanos());
    }

    @Test
    void isNeverWorseThanAPolicyAndSkipsLargeTasks() {
        SplittableRandom rng = new SplittableRandom(3);
        for (int t = 0; t < 40; t++) {
            List<ScenarioCall> calls = new ArrayList<>();
            int n = rng.nextInt(2, 6);
            for (int i = 0; i < n; i++) {
                List<String> deps = i > 0 && rng.nextBoolean() ? List.of("c" + rng.nextInt(i)) : List.of();
                calls.add(call("c" + i, deps, rng.nextInt(10, 600)));
            }
            Scenario s = new Scenario("r" + t, "", calls, "Done.");
            long best = OptimalOrder.search(s, new ByteTokenizer(), COST, 10_000, 1000).orElseThrow().makespanNanos();
            for (PolicyName p : PolicyName.values()) {
                assertTrue(best <= policy(s, p), s.name() + ": " + p + " beats the optimum");
            }
        }
        Scenario wide = new Scenario("wide", "", IntStream.range(0, 8)
                .mapToObj(i -> call("c" + i, List.of(), 10)).toList(), "Done.");
        assertEquals(40320, OptimalOrder.count(wide));
        assertTrue(OptimalOrder.search(wide, new ByteTokenizer(), COST, 10_000, 40319).isEmpty());
    }
}
