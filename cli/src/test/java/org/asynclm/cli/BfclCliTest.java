package org.asynclm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BfclCliTest {
    static final Path BFCL = DatagenCliTest.BFCL;

    @TempDir
    Path dir;

    @BeforeEach
    void needsData() {
    }

    @Test
    void scoresAResultFileAndCountsMissingIdsAsInvalid() throws Exception {
        Path results = dir.resolve("r.jsonl");
        Files.write(results, List.of(
                "{\"id\": \"simple_python_0\", \"result\": \"[calculate_triangle_area(base=10, height=5)]\"}",
                "{\"id\": \"simple_python_1\", \"result\": \"[math.factorial(number=6)]\"}"));
        Path out = dir.resolve("score.jsonl");
        CliTest.Result r = CliTest.run("bfcl", "score", "--bfcl-dir", BFCL.toString(), "--category", "simple_python",
                "--results", results.toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("simple_python: accuracy 0.0025 (1 of 400)"), r.out());
        assertTrue(r.out().contains("missing_result"), r.out());
        List<String> lines = Files.readAllLines(out);
        assertEquals(400, lines.size());
        ObjectMapper m = new ObjectMapper();
        JsonNode first = m.readTree(lines.get(0));
        assertEquals(true, first.get("valid").asBoolean());
        assertTrue(first.get("error_type").isNull());
        assertEquals("value_error:others", m.readTree(lines.get(1)).get("error_type").asText());
    }

    /**
     * Multi-turn results are scored by executing them: the ground truth written as a model's result (from
     * checker_vectors.jsonl, BFCL's own verdicts) passes, and a dropped turn is force-terminated.
     */
    @Test
    void scoresMultiTurnResultsByExecutingThem() throws Exception {
        ObjectMapper m = new ObjectMapper();
        List<String> lines = new java.util.ArrayList<>();
        for (String v : Files.readAllLines(BFCL.resolve("multi_turn_golden/checker_vectors.jsonl"))) {
            JsonNode vector = m.readTree(v);
            String wanted = vector.get("id").asText().equals("multi_turn_base_1") ? "drop_turn" : "ground_truth";
            if (vector.get("case").asText().equals(wanted)) {
                lines.add(m.createObjectNode().put("id", vector.get("id").asText()).set("result", vector.get("result"))
                        .toString());
            }
        }
        Path results = dir.resolve("mt.jsonl");
        Files.write(results, lines);
        CliTest.Result r = CliTest.run("bfcl", "score", "--bfcl-dir", BFCL.toString(), "--category", "multi_turn_base",
                "--results", results.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("multi_turn_base: accuracy 0.9950 (199 of 200)"), r.out());
        assertTrue(r.out().contains("multi_turn:force_terminated"), r.out());
    }

    private void bad(String expected, String category, String... resultLines) throws Exception {
        Path results = dir.resolve("r.jsonl");
        Files.write(results, List.of(resultLines));
        CliTest.Result r = CliTest.run("bfcl", "score", "--bfcl-dir", BFCL.toString(), "--category", category,
                "--results", results.toString());
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().startsWith("asynclm: ") && r.err().contains(expected), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
    }

    /** Tests never use the network: an unreachable local address stands in for being offline. */
    @Test
    void downloadFailsWithOneLineWhenOffline() {
        CliTest.Result r = CliTest.run("bfcl", "download", "--out", dir.resolve("d").toString(), "--base-url",
                "http://127.0.0.1:1/");
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().startsWith("asynclm: http://127.0.0.1:1/BFCL_v4_simple_python.json: cannot download (offline?"),
                r.err());
        assertEquals(1, r.err().lines().count());
        assertTrue(!Files.exists(dir.resolve("d/BFCL_v4_simple_python.json")));
    }

    @Test
    void badInputIsOneLine() throws Exception {
        bad("BFCL_v4_simple_rust.json: no such file", "simple_rust", "{\"id\": \"x\", \"result\": \"\"}");
        bad("r.jsonl:2: malformed JSON", "parallel", "{\"id\": \"parallel_0\", \"result\": \"[]\"}", "{\"id\": ");
        bad("r.jsonl:1: id: 'parallel_999' is not an entry of this category", "parallel",
                "{\"id\": \"parallel_999\", \"result\": \"[]\"}");
        bad("r.jsonl:1: id: 'x' is not an entry of this category", "multi_turn_base", "{\"id\": \"x\", \"result\": []}");
        Path copy = dir.resolve("bfcl");
        Files.createDirectories(copy);
        Files.copy(BFCL.resolve("BFCL_v4_parallel.json"), copy.resolve("BFCL_v4_parallel.json"));
        Path results = dir.resolve("r.jsonl");
        CliTest.Result r = CliTest.run("bfcl", "score", "--bfcl-dir", copy.toString(), "--category", "parallel",
                "--results", results.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("possible_answer/BFCL_v4_parallel.json: no such file"), r.err());
    }
}
