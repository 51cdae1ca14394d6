package org.asynclm.eval.latency;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayDeque;
import org.asynclm.runtime.CacheAction;
import org.asynclm.runtime.CostModel;
import org.asynclm.runtime.Engine;
import org.asynclm.runtime.Method;
import org.asynclm.runtime.Outcome;
import org.asynclm.runtime.TokenFilter;
import org.asynclm.runtime.scenario.LatencyDistribution;
import org.asynclm.runtime.scenario.Scenario;
import org.asynclm.runtime.scenario.SyntheticScenarios;
import org.asynclm.runtime.sim.Simulator;
import org.asynclm.runtime.teacher.PolicyName;
import org.asynclm.runtime.timeline.Timeline;
import org.asynclm.runtime.tokens.ByteTokenizer;
import org.junit.jupiter.api.Test;

class CallAccuracyTest {
    private static final ByteTokenizer TOK = new ByteTokenizer();

    /** Writes a fixed text, then ends its turn; the model under test. */
    private static Engine scripted(String text) {
        ArrayDeque<Integer> tokens = new ArrayDeque<>();
        for (int t : TOK.encode(text)) {
            tokens.add(t);
        }
        return new Engine() {
            private int context;

            @Override
            public void prefill(int[] prompt) {
                context = prompt.length;
            }

            @Override
            public int decode(TokenFilter allowed) {
                context++;
                return tokens.isEmpty() ? TOK.endOfTurnId() : tokens.poll();
            }

            @Override
            public void append(int[] t) {
                context += t.length;
            }

            @Override
            public void cache(CacheAction action) {
            }

            @Override
            public int contextLength() {
                return context;
            }
        };
    }

    private static CallAccuracy.Verdict run(Scenario s, String text) {
        Simulator sim = new Simulator(TOK, CostModel.local(5, 0), PolicyName.LPT, 0, 10_000, (sc, m, c, b) -> scripted(text));
        Outcome o = sim.run(s, Method.ASYNC, Timeline.NONE);
        return CallAccuracy.check(s, o);
    }

    @Test
    void correctCopiedAndOrderedCallsAreCorrectAndShortcutsAreNot() {
        Scenario s = SyntheticScenarios.chains(1, 2, LatencyDistribution.PAPER_EVAL_TOOLS, 3); // a1 -> a2
        String first = s.callBlock(s.calls().get(0));
        String second = s.callBlock(s.calls().get(1));
        assertEquals(new CallAccuracy.Verdict(2, 2, 2, true), run(s, first + "[TRAP][END]" + second + "[TRAP][END]ok"));
        // The right value, written before a1's result could have been read: an invalid order.
        assertEquals(new CallAccuracy.Verdict(2, 2, 1, false), run(s, first + second + "[TRAP][END][TRAP][END]ok"));
        String wrong = second.replaceFirst("='[^']*'", "='WRONG'");
        assertEquals(new CallAccuracy.Verdict(2, 1, 1, false), run(s, first + "[TRAP][END]" + wrong + "[TRAP][END]ok"));
    }
}
