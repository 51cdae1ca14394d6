package org.asynclm.training.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.asynclm.runtime.BadInputException;
import org.asynclm.runtime.Method;
import org.asynclm.runtime.prompt.ChatPrompt;
import org.asynclm.runtime.prompt.FunctionListing;
import org.asynclm.runtime.tokens.ByteTokenizer;
import org.asynclm.runtime.tokens.Tokenizer.TextDecoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** On traces written by {@code asynclm datagen} (src/test/resources/traces.jsonl, one with a user interrupt). */
class TraceExamplesTest {
    private static final ByteTokenizer TOKENIZER = new ByteTokenizer();

    @TempDir
    Path dir;

    private static Path traces() throws Exception {
        return Path.of(TraceExamplesTest.class.getResource("/traces.jsonl").toURI());
    }

    /**
     * The committed traces were written before the listing was a choice, when every system prompt listed JSON: the
     * JSON listing must write their system prompts again, character for character, from their own tool schemas.
     */
    @Test
    void theJsonListingWritesTheCommittedTracesSystemPromptsAgain() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        List<String> lines = Files.readAllLines(traces());
        for (String line : lines) {
            JsonNode t = mapper.readTree(line);
            List<ObjectNode> tools = new ArrayList<>();
            t.get("tools").forEach(n -> tools.add((ObjectNode) n));
            assertEquals(t.at("/messages/0/content").asText(),
                    ChatPrompt.system(tools, Method.ASYNC, FunctionListing.JSON), t.get("id").asText());
        }
        assertTrue(lines.size() > 1);
    }

    private static String text(int[] ids, boolean[] mask, boolean wanted) {
        TextDecoder d = TOKENIZER.newDecoder();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ids.length; i++) {
            if (mask[i] == wanted) {
                sb.append(d.next(ids[i]));
            }
        }
        return sb.toString();
    }

    @Test
    void trainsOnWhatTheModelWritesAndMasksWhatTheRuntimeSupplies() throws Exception {
        List<String> lines = Files.readAllLines(traces());
        TraceExamples.Result r = TraceExamples.read(traces(), TOKENIZER, 100_000, TraceExamples.Overlong.DROP);
        assertEquals(3, r.examples().size());
        for (int k = 0; k < lines.size(); k++) {
            JsonNode t = new ObjectMapper().readTree(lines.get(k));
            Example e = r.examples().get(k);
            StringBuilder model = new StringBuilder();
            StringBuilder context = new StringBuilder(ChatPrompt.render(t.at("/messages/0/content").asText(),
                    t.at("/messages/1/content").asText()));
            int modelTokens = 0;
            for (JsonNode s : t.get("assistant")) {
                boolean written = s.get("kind").asText().equals("model");
                (written ? model : context).append(s.get("text").asText());
                modelTokens += written ? s.get("tokens").asInt() : 0;
            }
            assertEquals(model + "<|eot_id|>", text(e.ids(), e.trained(), true));
            assertEquals(context.toString(), text(e.ids(), e.trained(), false));
            // the token counts datagen recorded agree with the ids built here
            assertEquals(modelTokens + 1, e.trainedTokens());
            assertEquals(t.get("prompt_tokens").asInt() + t.get("assistant_tokens").asInt() + 1, e.length());
            assertEquals(k + 1, e.line());
        }
        assertTrue(lines.stream().anyMatch(l -> l.contains("[INTR]user[HEAD]")), "the fixture has a user interrupt");
    }

    /**
     * The short prompt of copy_steps: the same model tokens after the instructions alone, with the copied values
     * marked (whole examples need no marks).
     */
    @Test
    void theInstructionsPromptDropsOnlyTheFunctionList() throws Exception {
        List<String> lines = Files.readAllLines(traces());
        List<Example> whole = TraceExamples.read(traces(), TOKENIZER, 100_000, TraceExamples.Overlong.DROP).examples();
        List<Example> shorter = TraceExamples.read(traces(), TOKENIZER, 100_000, TraceExamples.Overlong.DROP,
                TraceExamples.Prompt.INSTRUCTIONS).examples();
        List<TraceExamples.Result> onePass = TraceExamples.read(traces(), TOKENIZER, 100_000,
                TraceExamples.Overlong.DROP, List.of(TraceExamples.Prompt.WHOLE, TraceExamples.Prompt.INSTRUCTIONS));
        for (int k = 0; k < lines.size(); k++) {
            JsonNode t = new ObjectMapper().readTree(lines.get(k));
            Example w = whole.get(k);
            Example s = shorter.get(k);
            assertArrayEquals(w.ids(), onePass.get(0).examples().get(k).ids(), "one pass reads what two do");
            assertArrayEquals(s.ids(), onePass.get(1).examples().get(k).ids());
            assertArrayEquals(s.copied(), onePass.get(1).examples().get(k).copied());
            String system = t.at("/messages/0/content").asText();
            String instructions = ChatPrompt.instructions(system);
            String context = text(s.ids(), s.trained(), false);
            assertTrue(context.startsWith(ChatPrompt.render(instructions, t.at("/messages/1/content").asText())),
                    context);
            assertEquals(text(w.ids(), w.trained(), true), text(s.ids(), s.trained(), true));
            assertEquals("", text(w.ids(), w.copied(), true));
            assertTrue(w.length() - s.length() > 500, "the function list is most of the prompt");
            assertTrue(text(s.ids(), s.copied(), true).length() > 5, "the calls copy values");
        }
    }

    /**
     * value_weight without copy steps: the whole examples carry the same marks as the short ones, on the same model
     * tokens, so the weighted values are the values copy_steps trains.
     */
    @Test
    void wholeExamplesAreMarkedWhenAsked() throws Exception {
        List<Example> marked = TraceExamples.read(traces(), TOKENIZER, 100_000, TraceExamples.Overlong.DROP,
                List.of(TraceExamples.Prompt.WHOLE), true).get(0).examples();
        List<Example> request = TraceExamples.read(traces(), TOKENIZER, 100_000, TraceExamples.Overlong.DROP,
                TraceExamples.Prompt.REQUEST).examples();
        assertEquals(request.size(), marked.size());
        for (int k = 0; k < marked.size(); k++) {
            String values = text(marked.get(k).ids(), marked.get(k).copied(), true);
            assertEquals(text(request.get(k).ids(), request.get(k).copied(), true), values);
            assertTrue(values.length() > 5, "the calls copy values");
        }
    }

    /** copy_prompt: request: the request alone, then the same model tokens with the same values marked. */
    @Test
    void theRequestPromptKeepsOnlyTheRequest() throws Exception {
        List<String> lines = Files.readAllLines(traces());
        List<TraceExamples.Result> read = TraceExamples.read(traces(), TOKENIZER, 100_000, TraceExamples.Overlong.DROP,
                List.of(TraceExamples.Prompt.INSTRUCTIONS, TraceExamples.Prompt.REQUEST));
        for (int k = 0; k < lines.size(); k++) {
            JsonNode t = new ObjectMapper().readTree(lines.get(k));
            Example instructions = read.get(0).examples().get(k);
            Example request = read.get(1).examples().get(k);
            String context = text(request.ids(), request.trained(), false);
            String user = t.at("/messages/1/content").asText();
            assertTrue(context.startsWith("<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\n" + user
                    + "<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n"), context);
            assertFalse(context.contains("[CALL]id[HEAD]"), "no instructions");
            assertEquals(text(instructions.ids(), instructions.trained(), true),
                    text(request.ids(), request.trained(), true));
            assertEquals(text(instructions.ids(), instructions.copied(), true),
                    text(request.ids(), request.copied(), true));
            assertTrue(instructions.length() > request.length());
        }
    }

    @Test
    void overlongExamplesAreDroppedOrTruncatedAndCounted() throws Exception {
        TraceExamples.Result all = TraceExamples.read(traces(), TOKENIZER, 100_000, TraceExamples.Overlong.DROP);
        int shortest = all.examples().stream().mapToInt(Example::length).min().orElseThrow();
        TraceExamples.Result dropped = TraceExamples.read(traces(), TOKENIZER, shortest - 1,
                TraceExamples.Overlong.DROP);
        assertEquals(0, dropped.examples().size());
        assertEquals(3, dropped.dropped());
        TraceExamples.Result cut = TraceExamples.read(traces(), TOKENIZER, shortest - 1,
                TraceExamples.Overlong.TRUNCATE);
        assertEquals(3, cut.truncated());
        for (Example e : cut.examples()) {
            assertEquals(shortest - 1, e.length());
            assertTrue(e.trainedTokens() > 0);
        }
        TraceExamples.Result promptOnly = TraceExamples.read(traces(), TOKENIZER, 100, TraceExamples.Overlong.TRUNCATE);
        assertEquals(3, promptOnly.dropped(), "a cut that keeps only the prompt has nothing to train on");
    }

    private String error(String line) throws Exception {
        Path f = dir.resolve("bad.jsonl");
        Files.writeString(f, Files.readAllLines(traces()).get(0) + "\n" + line + "\n");
        String m = assertThrows(BadInputException.class,
                () -> TraceExamples.read(f, TOKENIZER, 100_000, TraceExamples.Overlong.DROP)).getMessage();
        assertEquals(1, m.lines().count(), m);
        assertTrue(m.startsWith(f + ":2: "), m);
        return m.substring((f + ":2: ").length());
    }

    @Test
    void badTracesNameTheLineAndField() throws Exception {
        String good = Files.readAllLines(traces()).get(0);
        assertTrue(error("{not json").startsWith("not JSON: "));
        assertEquals("schema: expected asynclm.trace/1, got \"other/2\"",
                error(good.replace("\"asynclm.trace/1\"", "\"other/2\"")));
        assertEquals("assistant[0].kind: expected one of [model, interrupt]",
                error(good.replaceFirst("\"kind\":\"model\"", "\"kind\":\"tool\"")));
        assertEquals("assistant: no model segment, so nothing to train on",
                error(good.replace("\"kind\":\"model\"", "\"kind\":\"interrupt\"")));
        assertEquals("messages[1]: expected the user message", error(good.replace("\"role\":\"user\"", "\"role\":\"x\"")));
    }

    /** Traces that break the protocol would teach a model to break it: refused, naming the segment. */
    @Test
    void tracesThatBreakTheProtocolAreRefused() throws Exception {
        String good = Files.readAllLines(traces()).get(0);
        assertEquals("assistant[0].text: the model writes [INTR], which only the runtime writes",
                error(withSegment(good, 0, "[INTR]a[HEAD]{}[END]")));
        assertEquals("assistant[3]: an interrupt inside a block the model has not closed",
                error(withSegment(good, 2, "[TRAP]")));
        ObjectNode t = (ObjectNode)
                new ObjectMapper().readTree(good);
        int last = t.get("assistant").size() - 1;
        assertEquals("assistant: the turn ends inside an unclosed block",
                error(withSegment(good, last, "[CALL]z[HEAD]f(")));
    }

    private static String withSegment(String trace, int index, String text) throws Exception {
        var json = new ObjectMapper();
        var t = json.readTree(trace);
        ((ObjectNode) t.get("assistant").get(index)).put("text", text);
        return json.writeValueAsString(t);
    }
}
