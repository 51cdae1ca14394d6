package org.asynclm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.asynclm.datagen.trace.TraceWriter;
import org.asynclm.runtime.files.ContentHash;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatagenCliTest {
    static final Path BFCL = Path.of("../testdata/bfcl");

    @TempDir
    Path dir;

    private void assertBadInput(String expectedStart, String... args) throws Exception {
        Path out = dir.resolve("out.jsonl");
        String[] full = Stream.concat(Arrays.stream(args),
                Stream.of("--out", out.toString())).toArray(String[]::new);
        CliTest.Result r = CliTest.run(full);
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().startsWith("asynclm: " + expectedStart), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertFalse(Files.exists(out), "no output file left behind");
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().contains(".tmp")), "no temporary file left");
        }
    }

    @Test
    void writesASummaryAndValidTraces() throws Exception {
        Path out = dir.resolve("t.jsonl");
        CliTest.Result r = CliTest.run("datagen", "--config", "../configs/datagen/synthetic.yaml", "--n", "50",
                "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("async speedup"), r.out());
        assertEquals(50, Files.readAllLines(out).size());
        JsonNode made = new ObjectMapper()
                .readTree(dir.resolve("t.jsonl.provenance.json").toFile());
        assertEquals(ContentHash.ofFile(out), made.get("output_sha256").asText());
        assertEquals(50, made.at("/counts/traces").asInt());
        assertEquals(made.get("seed"), made.at("/config/seed"));
        assertEquals("synthetic", made.at("/config/source").asText());
        assertTrue(made.get("code_version").asText().startsWith("0."), made.toString());
        CliTest.Result v = CliTest.run("datagen", "validate", out.toString());
        assertEquals(0, v.code(), v.out());
        assertTrue(v.out().contains("50 of 50 traces valid"), v.out());
    }

    /** Traces from BFCL's multi-turn entries pass validate, and their interrupts carry the backends' real results. */
    @Test
    void bfclMultiTurnTracesValidateAndCarryRealResults() throws Exception {
        for (String config : new String[] {"bfcl-multi-turn", "bfcl-multi-step-parallel"}) {
            Path out = dir.resolve(config + ".jsonl");
            CliTest.Result r = CliTest.run("datagen", "--config", "../configs/datagen/" + config + ".yaml", "--bfcl-dir",
                    BFCL.toString(), "--n", "40", "--out", out.toString());
            assertEquals(0, r.code(), r.err());
            CliTest.Result v = CliTest.run("datagen", "validate", out.toString());
            assertEquals(0, v.code(), v.out());
            assertTrue(v.out().contains("40 of 40 traces valid"), v.out());
            String traces = Files.readString(out);
            // file-system entries open with cd, whose real result names the folder; a made-up one says {"status": "ok"}
            assertTrue(traces.contains("[HEAD]{\\\"current_working_directory\\\":\\\""), config);
            assertFalse(traces.contains("\\\"status\\\":\\\"ok\\\""), config + ": a made-up result");
        }
    }

    @Test
    void aTrlExportComesWithTheChatTemplateThatRendersIt() throws Exception {
        Path out = dir.resolve("t.jsonl");
        CliTest.Result r = CliTest.run("datagen", "--n", "3", "--format", "trl", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        Path template = dir.resolve("t.jsonl.chat_template.jinja");
        assertEquals(TraceWriter.chatTemplate(), Files.readString(template));
        assertTrue(r.out().contains("beside it: " + template + " (the chat template: TRL's chat_template_path"),
                r.out());
        CliTest.run("datagen", "--n", "3", "--format", "axolotl", "--out", dir.resolve("a.jsonl").toString());
        assertFalse(Files.exists(dir.resolve("a.jsonl.chat_template.jinja")), "only trl is rendered by a template");
    }

    @Test
    void validateFailsOnABrokenFileAndOnAMissingOne() throws Exception {
        Path out = dir.resolve("t.jsonl");
        CliTest.run("datagen", "--n", "3", "--out", out.toString());
        List<String> lines = Files.readAllLines(out);
        Files.write(out, List.of(lines.get(0), lines.get(1).replace("[TRAP][END]", "[TRAP] [END]"), lines.get(2)));
        CliTest.Result v = CliTest.run("datagen", "validate", out.toString());
        assertEquals(1, v.code(), v.out());
        assertTrue(v.out().contains("2 of 3 traces valid"), v.out());
        assertTrue(v.out().contains(out + ":2:"), v.out());
        assertEquals(2, CliTest.run("datagen", "validate", dir.resolve("nope.jsonl").toString()).code());
    }

    @Test
    void configMistakesAreOneLine() throws Exception {
        Path cfg = dir.resolve("c.yaml");
        Files.writeString(cfg, "n: 10\nsynthetic:\n  width: [1, 2]\n");
        assertBadInput(cfg + ":3: synthetic.width: unknown key", "datagen", "--config", cfg.toString());
        Files.writeString(cfg, "estimated_ms: [900, 10]\n");
        assertBadInput(cfg + ":1: estimated_ms: min must be <= max", "datagen", "--config", cfg.toString());
        assertBadInput("--set source: must be one of", "datagen", "--set", "source=bfcl-everything");
        assertBadInput("source bfcl-parallel needs a BFCL data directory", "datagen", "--set", "source=bfcl-parallel");
        assertBadInput(dir.resolve("none") + ": no such BFCL data directory", "datagen", "--set",
                "source=bfcl-parallel", "--bfcl-dir", dir.resolve("none").toString());
    }

    @Test
    void brokenBfclFilesNameTheFileAndLine() throws Exception {
        Path copy = dir.resolve("bfcl");
        Files.createDirectories(copy.resolve("possible_answer"));
        for (String f : List.of("BFCL_v4_parallel.json", "BFCL_v4_parallel_multiple.json",
                "possible_answer/BFCL_v4_parallel.json")) {
            Files.copy(BFCL.resolve(f), copy.resolve(f));
        }
        assertBadInput(copy.resolve("possible_answer/BFCL_v4_parallel_multiple.json") + ": no such file", "datagen",
                "--set", "source=bfcl-parallel", "--bfcl-dir", copy.toString());
        Files.copy(BFCL.resolve("possible_answer/BFCL_v4_parallel_multiple.json"),
                copy.resolve("possible_answer/BFCL_v4_parallel_multiple.json"));
        List<String> lines = Files.readAllLines(copy.resolve("BFCL_v4_parallel.json"));
        lines.set(6, lines.get(6).substring(0, 40));
        Files.write(copy.resolve("BFCL_v4_parallel.json"), lines);
        assertBadInput(copy.resolve("BFCL_v4_parallel.json") + ":7: malformed JSON", "datagen",
                "--set", "source=bfcl-parallel", "--bfcl-dir", copy.toString());
    }
}
