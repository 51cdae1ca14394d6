package org.asynclm.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.asynclm.cml.CmlWriter;
import org.asynclm.runtime.clock.WallClock;
import org.asynclm.runtime.exec.Invocation;
import org.asynclm.runtime.exec.ThreadToolExecutor;
import org.asynclm.runtime.exec.Tool;
import org.asynclm.runtime.prompt.ChatPrompt;
import org.asynclm.runtime.scenario.LatencyDistribution;
import org.asynclm.runtime.scenario.Scenario;
import org.asynclm.runtime.scenario.ScenarioTools;
import org.asynclm.runtime.scenario.SyntheticScenarios;
import org.asynclm.runtime.sim.Bounds;
import org.asynclm.runtime.teacher.Policy;
import org.asynclm.runtime.teacher.PolicyName;
import org.asynclm.runtime.teacher.TeacherEngine;
import org.asynclm.runtime.timeline.TimelineRecorder;
import org.asynclm.runtime.tokens.ByteTokenizer;
import org.junit.jupiter.api.Test;

/** The same runtime on real time: tools on virtual threads, nothing lost under load. */
class WallClockTest {
    private final ByteTokenizer tokenizer = new ByteTokenizer();

    @Test
    void tenThousandConcurrentSlowToolsAllComeBackExactlyOnce() {
        int n = 10_000;
        StringBuilder script = new StringBuilder();
        for (int i = 0; i < n; i++) {
            script.append(CmlWriter.call("c" + i, "slow", Map.of("i", (long) i)));
        }
        Tool slow = new Tool() {
            @Override
            public String name() {
                return "slow";
            }

            @Override
            public ObjectNode schema() {
                return JsonNodeFactory.instance.objectNode().put("name", "slow");
            }

            @Override
            public Object invoke(Invocation inv) throws InterruptedException {
                inv.sleep(300_000_000L); // 300 ms: every call is still running when the last one starts
                return inv.arguments().get("i");
            }
        };
        WallClock clock = new WallClock(false);
        TrapUntilDoneEngine engine = new TrapUntilDoneEngine(tokenizer, script.toString(), n);
        try (ThreadToolExecutor ex = new ThreadToolExecutor(clock, 60_000_000_000L)) {
            Session s = new Session(engine, tokenizer, clock, ex, Map.of("slow", slow),
                    new SessionConfig(Method.ASYNC, CostModel.local(0, 0), CacheCosts.SINGLE_USER, 10_000_000), null);
            Outcome o = s.run(new int[] {1});
            assertEquals(EndState.DONE, o.endState(), o.errors().toString());
            assertEquals(n, o.interrupts());
            assertEquals(0, o.unfinishedCalls());
            Set<String> ids = new HashSet<>();
            Matcher m = Pattern.compile("\\[INTR](c\\d+)\\[HEAD](\\d+)\\[END]").matcher(o.transcript());
            while (m.find()) {
                assertEquals(m.group(1), "c" + m.group(2), "each result reaches its own call");
                assertTrue(ids.add(m.group(1)), "duplicate interrupt " + m.group(1));
            }
            assertEquals(n, ids.size());
        }
    }

    @Test
    void toolTimeoutsBecomeErrorsDeliveredOnce() {
        Tool stuck = new Tool() {
            @Override
            public String name() {
                return "stuck";
            }

            @Override
            public ObjectNode schema() {
                return JsonNodeFactory.instance.objectNode().put("name", "stuck");
            }

            @Override
            public Object invoke(Invocation inv) throws InterruptedException {
                inv.sleep(5_000_000_000L);
                return "late";
            }
        };
        WallClock clock = new WallClock(false);
        ScriptedEngine engine = new ScriptedEngine(tokenizer, "[CALL]a[HEAD]stuck()[END][TRAP][END]", true);
        try (ThreadToolExecutor ex = new ThreadToolExecutor(clock, 50_000_000L)) {
            Session s = new Session(engine, tokenizer, clock, ex, Map.of("stuck", stuck),
                    new SessionConfig(Method.ASYNC, CostModel.local(0, 0), CacheCosts.SINGLE_USER, 1000), null);
            Outcome o = s.run(new int[] {1});
            assertEquals("[INTR]a[HEAD]{\"error\":\"timed out after 50.0 ms\"}[END]", engine.appended());
            assertTrue(o.lastResultNanos() < 1_000_000_000L);
        }
    }

    @Test
    void teacherOnTheWallClockKeepsTheOrderingOfMethods() {
        Scenario s = SyntheticScenarios.parallel(4, new LatencyDistribution(40, 120, 70), 3);
        CostModel cost = CostModel.local(0.5, 0);
        long sync = wallRun(s, Method.SYNC, cost).makespanNanos();
        Outcome async = wallRun(s, Method.ASYNC, cost);
        assertEquals(EndState.DONE, async.endState());
        long closedSync = Bounds.of(s, tokenizer, cost.tpotNanos()).closedFormSync();
        assertTrue(sync >= closedSync, "real time cannot beat the model's own arithmetic");
        assertTrue(async.makespanNanos() < sync, "async " + async.makespanNanos() + " vs sync " + sync);
    }

    private Outcome wallRun(Scenario s, Method m, CostModel cost) {
        WallClock clock = new WallClock(true);
        Map<String, Tool> tools = ScenarioTools.of(s);
        Bounds b = Bounds.of(s, tokenizer, cost.tpotNanos());
        TeacherEngine teacher = new TeacherEngine(s, Policy.create(PolicyName.LPT, s, b::decode, 0), m, tokenizer, clock::nanos,
                b::decode);
        try (ThreadToolExecutor ex = new ThreadToolExecutor(clock, 0)) {
            TimelineRecorder rec = new TimelineRecorder();
            Outcome o = new Session(teacher, tokenizer, clock, ex, tools,
                    new SessionConfig(m, cost, CacheCosts.SINGLE_USER, 100_000), rec)
                    .run(tokenizer.encode(ChatPrompt.render(ChatPrompt.system(tools.values()), s.userPrompt())));
            assertTrue(rec.events().stream().anyMatch(e -> e.category().equals("call")));
            return o;
        }
    }

    /** Writes its script, then traps until it has seen {@code expected} interrupts, then ends its turn. */
    private static final class TrapUntilDoneEngine implements Engine {
        private final int[] script;
        private final int[] trap;
        private final int expected;
        private final int intr;
        private int next;
        private int trapPos = -1;
        private int seen;
        private int context;
        private final int endOfTurn;

        TrapUntilDoneEngine(ByteTokenizer tokenizer, String text, int expected) {
            this.script = tokenizer.encode(text);
            this.trap = tokenizer.encode("[TRAP][END]");
            this.intr = tokenizer.encode("[INTR]")[0];
            this.expected = expected;
            this.endOfTurn = tokenizer.endOfTurnId();
        }

        @Override
        public void prefill(int[] prompt) {
            context = prompt.length;
        }

        @Override
        public int decode(TokenFilter allowed) {
            context++;
            if (next < script.length) {
                return script[next++];
            }
            if (trapPos >= 0) {
                int t = trap[trapPos++];
                if (trapPos == trap.length) {
                    trapPos = -1;
                }
                return t;
            }
            if (seen >= expected) {
                return endOfTurn;
            }
            trapPos = 1;
            return trap[0];
        }

        @Override
        public void append(int[] tokens) {
            context += tokens.length;
            for (int t : tokens) {
                if (t == intr) {
                    seen++;
                }
            }
        }

        @Override
        public void cache(CacheAction action) {
        }

        @Override
        public int contextLength() {
            return context;
        }
    }
}
