package org.asynclm.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import org.asynclm.runtime.clock.VirtualClock;
import org.asynclm.runtime.exec.Invocation;
import org.asynclm.runtime.exec.Tool;
import org.asynclm.runtime.exec.VirtualToolExecutor;
import org.asynclm.runtime.timeline.Timeline;
import org.asynclm.runtime.tokens.ByteTokenizer;
import org.junit.jupiter.api.Test;

/** Whatever a model writes, the runtime answers with a clear error interrupt or a clear end state. */
class BadModelOutputTest {
    private final ByteTokenizer tokenizer = new ByteTokenizer();

    static Tool echo(long latencyNanos) {
        return new Tool() {
            @Override
            public String name() {
                return "echo";
            }

            @Override
            public ObjectNode schema() {
                return JsonNodeFactory.instance.objectNode().put("name", "echo");
            }

            @Override
            public Object invoke(Invocation inv) throws InterruptedException {
                inv.sleep(latencyNanos);
                if (inv.arguments().containsKey("fail")) {
                    throw new IllegalStateException("asked to fail");
                }
                return inv.arguments();
            }
        };
    }

    private record Run(Outcome outcome, String seen) {
    }

    private Run run(String script, boolean endTurn, int maxTokens) {
        return run(script, endTurn, maxTokens, SessionConfig.DEFAULT_RUNAWAY_LIMIT);
    }

    private Run run(String script, boolean endTurn, int maxTokens, int runawayLimit) {
        VirtualClock clock = new VirtualClock();
        ScriptedEngine engine = new ScriptedEngine(tokenizer, script, endTurn);
        try (VirtualToolExecutor ex = new VirtualToolExecutor(clock, 0)) {
            Session s = new Session(engine, tokenizer, clock, ex, Map.of("echo", echo(1_000_000)),
                    new SessionConfig(Method.ASYNC, CostModel.local(1, 0), CacheCosts.SINGLE_USER, maxTokens,
                            runawayLimit),
                    Timeline.NONE);
            Outcome o = s.run(new int[] {1});
            return new Run(o, engine.appended());
        }
    }

    @Test
    void unterminatedBlockAtEndOfTurnEndsWithAClearState() {
        Run r = run("[CALL]a[HEAD]echo(x=1)", true, 1000);
        assertEquals(EndState.EOS_IN_BLOCK, r.outcome().endState());
        assertTrue(r.outcome().errors().get(0).contains("unterminated control block"));
    }

    @Test
    void malformedBodyGetsAnErrorInterruptUnderItsId() {
        Run r = run("[CALL]a[HEAD]echo(x=)[END][TRAP][END]ok", true, 1000);
        assertEquals(EndState.DONE, r.outcome().endState());
        assertTrue(r.seen().startsWith("[INTR]a[HEAD]{\"error\":\"malformed call body: unexpected ')' at column 8\"}[END]"),
                r.seen());
    }

    @Test
    void unknownFunctionGetsAnErrorInterrupt() {
        Run r = run("[CALL]b[HEAD]fly(to='moon')[END]done", true, 1000);
        assertTrue(r.seen().contains("[INTR]b[HEAD]{\"error\":\"unknown function 'fly'\"}[END]"), r.seen());
        assertEquals(EndState.DONE, r.outcome().endState());
    }

    @Test
    void duplicateIdIsRejectedWithoutStealingTheFirstCallsInterrupt() {
        Run r = run("[CALL]a[HEAD]echo(x=1)[END][CALL]a[HEAD]echo(x=2)[END][TRAP][END][TRAP][END]end", true, 1000);
        assertTrue(r.seen().contains("[INTR]runtime[HEAD]{\"error\":\"duplicate call id 'a': the call was not run\"}[END]"),
                r.seen());
        assertEquals(1, r.seen().split("\\[INTR]a\\[HEAD]", -1).length - 1, "call a gets exactly one interrupt");
        assertEquals(1, r.outcome().calls().size());
    }

    @Test
    void trapWithNothingPendingReturnsAtOnceWithAnError() {
        Run r = run("[TRAP][END]still here", true, 1000);
        assertEquals(EndState.DONE, r.outcome().endState());
        assertTrue(r.seen().contains("[INTR]runtime[HEAD]{\"error\":\"trap with no call in flight"), r.seen());
        assertEquals(0, r.outcome().idleNanos());
    }

    @Test
    void runawayGenerationStopsAtTheTokenLimit() {
        Run r = run("[CALL]a[HEAD]echo(x=1)[END]", false, 500);
        assertEquals(EndState.MAX_TOKENS, r.outcome().endState());
        assertEquals(500, r.outcome().generatedTokens());
        assertTrue(r.seen().contains("[INTR]a[HEAD]{\"x\":1}[END]"), "the call still completed and was delivered");
    }

    @Test
    void refusedBlocksInARowEndTheTurnAsRunaway() {
        String traps = "[TRAP][END]".repeat(3);
        Run r = run(traps + "[CALL]a[HEAD]echo(x=1)[END]never written", true, 1000);
        assertEquals(EndState.RUNAWAY, r.outcome().endState());
        assertEquals(6, r.outcome().generatedTokens(), "the turn ends at the third refusal ([TRAP] and [END] are a token each)");
        assertTrue(r.outcome().calls().isEmpty());
        assertTrue(r.outcome().errors().getLast().startsWith("runaway: 3 blocks in a row"), r.outcome().errors().toString());
    }

    @Test
    void anAcceptedBlockResetsTheRunawayCount() {
        // Two refusals (a stray trap, an unknown function), an accepted call and trap, then two more refusals.
        Run r = run("[TRAP][END][CALL]b[HEAD]fly()[END][CALL]a[HEAD]echo(x=1)[END][TRAP][END]"
                + "[CALL]a[HEAD]echo(x=2)[END][TRAP][END]done", true, 1000);
        assertEquals(EndState.DONE, r.outcome().endState(), r.outcome().errors().toString());
        assertEquals(4, r.outcome().errors().size());
    }

    @Test
    void theRunawayLimitIsASetting() {
        Run r = run("[CALL]b[HEAD]fly()[END]done", true, 1000, 1);
        assertEquals(EndState.RUNAWAY, r.outcome().endState());
        assertEquals("unknown function 'fly'", r.outcome().errors().get(0), "the refusal is still reported");
    }

    @Test
    void toolExceptionsBecomeErrorResults() {
        Run r = run("[CALL]a[HEAD]echo(fail=True)[END][TRAP][END]", true, 1000);
        assertTrue(r.seen().contains("[INTR]a[HEAD]{\"error\":\"IllegalStateException: asked to fail\"}[END]"), r.seen());
        assertTrue(r.outcome().calls().get(0).error());
    }

    @Test
    void cmlViolationsAndModelWrittenInterruptsAreReported() {
        Run r = run("[END][INTR]a[HEAD]{}[END]bye", true, 1000);
        assertTrue(r.seen().contains("stray \\u005bEND] outside a block"), r.seen());
        assertTrue(r.seen().contains("the model may not write \\u005bINTR]"), r.seen());
        assertEquals(EndState.DONE, r.outcome().endState());
    }

    @Test
    void interruptsWaitForTheCriticalSectionToEnd() {
        // The call returns after 1 ms; the model is then writing a long call block at 1 ms per token.
        Run r = run("[CALL]a[HEAD]echo(x=1)[END][CALL]b[HEAD]echo(x=2, pad='" + "p".repeat(50) + "')[END][TRAP][END]",
                true, 1000);
        String seen = r.seen();
        assertTrue(seen.startsWith("[INTR]a[HEAD]"), seen);
        CallRecord a = r.outcome().calls().get(0);
        CallRecord b = r.outcome().calls().get(1);
        assertTrue(a.arrivedAt() < b.blockEnd(), "a arrived while b's block was being written");
        assertEquals(b.blockEnd(), a.injectedAt(), "and was injected right after b's [END]");
    }
}
