package org.asynclm.eval.bfcl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.asynclm.bfcl.BfclData;
import org.asynclm.bfcl.BfclEntry;
import org.asynclm.runtime.CacheAction;
import org.asynclm.runtime.Engine;
import org.asynclm.runtime.TokenFilter;
import org.asynclm.runtime.tokens.ByteTokenizer;
import org.asynclm.runtime.tokens.Tokenizer;
import org.junit.jupiter.api.Test;

/**
 * BFCL's sync protocol for multi-turn entries, driven by a model that writes prepared responses (the untrained tiny
 * model writes no calls, so it cannot show that calls run, results go back and turns end where BFCL ends them).
 */
class MultiTurnRunTest {
    static final Path BFCL = Path.of("../testdata/bfcl");
    private static final Tokenizer TOK = new ByteTokenizer();

    /**
     * Writes the next prepared response each time it is asked to write after reading something new, and records
     * its whole context at that moment (what the model has read, its own earlier answers included).
     */
    static final class ScriptedModel {
        final ArrayDeque<String> responses;
        final List<String> prompts = new ArrayList<>();
        int engines;

        ScriptedModel(List<String> responses) {
            this.responses = new ArrayDeque<>(responses);
        }

        Engine engine() {
            engines++;
            return new Engine() {
                private final StringBuilder context = new StringBuilder();
                private final ArrayDeque<Integer> tokens = new ArrayDeque<>();
                private int length;
                private boolean answering;

                @Override
                public void prefill(int[] prompt) {
                    context.setLength(0);
                    length = 0;
                    append(prompt);
                }

                @Override
                public int decode(TokenFilter allowed) {
                    if (!answering) {
                        answering = true;
                        prompts.add(context.toString());
                        for (int t : TOK.encode(responses.isEmpty() ? "Nothing more." : responses.poll())) {
                            tokens.add(t);
                        }
                    }
                    int token = tokens.isEmpty() ? TOK.endOfTurnId() : tokens.poll();
                    answering = token != TOK.endOfTurnId();
                    append(new int[] {token});
                    return token;
                }

                @Override
                public void append(int[] ts) {
                    Tokenizer.TextDecoder d = TOK.newDecoder();
                    for (int t : ts) {
                        context.append(d.next(t));
                    }
                    length += ts.length;
                }

                @Override
                public void cache(CacheAction action) {
                }

                @Override
                public int contextLength() {
                    return length;
                }
            };
        }
    }

    private static BfclEntry entry(String category, String id) throws Exception {
        return new BfclData(BFCL).entries(category, true).stream().filter(e -> e.id().equals(id)).findFirst()
                .orElseThrow();
    }

    private static JsonNode run(BfclEntry e, ScriptedModel model) throws Exception {
        MultiTurnRun run = new MultiTurnRun(model::engine, TOK, 400, 0, new BfclData(BFCL));
        return run.run(List.of(e), "sync", done -> { }).get(e.id());
    }

    @Test
    void callsRunTheirResultsGoBackAndATurnEndsAtAResponseWithoutCalls() throws Exception {
        BfclEntry e = entry("multi_turn_base", "multi_turn_base_100");
        List<String> responses = new ArrayList<>();
        for (JsonNode turn : e.answer().get("ground_truth")) {
            List<String> calls = new ArrayList<>();
            turn.forEach(c -> calls.add(c.asText()));
            responses.add("[" + String.join(", ", calls) + "]");
            responses.add("That is done.");
        }
        ScriptedModel model = new ScriptedModel(responses);
        JsonNode result = run(e, model);
        assertEquals(2, result.size(), result.toString());
        assertEquals(2, result.get(0).size()); // the calls, then the answer without calls that ends the turn
        assertEquals(responses.get(1), result.get(0).get(1).asText());
        // the second step's prompt holds the first step's results, as tool messages
        assertTrue(model.prompts.get(1).endsWith("[get_stock_info(symbol='NVDA')]<|eot_id|><|start_header_id|>ipython"
                + "<|end_header_id|>\n\n{\"price\": 220.34, \"percent_change\": 0.34, \"volume\": 1.234, \"MA(5)\": "
                + "220.45, \"MA(20)\": 220.67}<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n"));
        assertTrue(model.prompts.get(0).startsWith("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n"
                + BfclPrompt.INSTRUCTIONS));
        assertEquals(1, model.engines, "one context for the whole entry: each step appends, nothing is read twice");
        CheckResult verdict = new MultiTurnChecker().check(e, result);
        assertTrue(verdict.valid(), verdict.errors().toString());
    }

    @Test
    void aHeldOutFunctionIsShownOnlyFromItsTurnWithBfclsAnnouncement() throws Exception {
        BfclEntry e = entry("multi_turn_miss_func", "multi_turn_miss_func_100");
        ScriptedModel model = new ScriptedModel(List.of("I cannot look up a stock's price with these functions.",
                "[get_stock_info(symbol='NVDA')]", "Done.", "[fund_account(amount=2203.4)]", "Done."));
        JsonNode result = run(e, model);
        assertEquals(3, result.size(), result.toString());
        assertFalse(model.prompts.get(0).contains("\"name\": \"get_stock_info\""), "held out of the system prompt");
        String announced = model.prompts.get(1);
        assertTrue(announced.contains("'name': 'get_stock_info'") && announced.contains(MultiTurnRun.MORE_FUNCTIONS),
                announced.substring(announced.length() - 400));
        CheckResult verdict = new MultiTurnChecker().check(e, result);
        assertTrue(verdict.valid(), verdict.errors().toString());
    }

    @Test
    void moreThanTwentyStepsInATurnForceQuitsTheEntry() throws Exception {
        BfclEntry e = entry("multi_turn_base", "multi_turn_base_100");
        List<String> forever = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            forever.add("[get_current_time()]");
        }
        JsonNode result = run(e, new ScriptedModel(forever));
        assertEquals(1, result.size(), "the later turn is not run");
        assertEquals(MultiTurnRun.MAXIMUM_STEP_LIMIT + 1, result.get(0).size());
        assertEquals("multi_turn:force_terminated", new MultiTurnChecker().check(e, result).errorType());
    }
}
