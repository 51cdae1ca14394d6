package org.asynclm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CliTest {
    @TempDir
    Path dir;

    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void simulateJsonHasTheDocumentedShapeAndTheClosedForms() throws Exception {
        Result r = run("simulate", "--synthetic", "parallel", "--calls", "6", "--seed", "4", "--tpot-ms", "5", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode root = new ObjectMapper().readTree(r.out());
        JsonNode calls = root.at("/scenario/calls");
        assertEquals(6, calls.size());
        for (String f : List.of("id", "function", "deps", "decode_ms", "exec_ms")) {
            assertTrue(calls.get(0).has(f), f);
        }
        for (String m : List.of("sync", "sync-parallel", "async-naive", "async")) {
            JsonNode res = root.at("/results/" + m);
            for (String f : List.of("makespan_ms", "last_result_ms", "decode_ms", "idle_ms", "prefill_tokens",
                    "interrupts", "traps")) {
                assertTrue(res.has(f), m + "." + f);
            }
            assertTrue(res.get("makespan_ms").asDouble() >= root.get("lower_bound_ms").asDouble());
        }
        // Recompute the closed forms from the printed per-call figures.
        double sumG = 0;
        double sumE = 0;
        double maxE = 0;
        for (JsonNode c : calls) {
            sumG += c.get("decode_ms").asDouble();
            sumE += c.get("exec_ms").asDouble();
            maxE = Math.max(maxE, c.get("exec_ms").asDouble());
        }
        assertEquals(sumG + sumE, root.at("/results/sync/last_result_ms").asDouble(), 1e-6);
        assertEquals(sumG + maxE, root.at("/results/sync-parallel/last_result_ms").asDouble(), 1e-6);
        assertEquals(root.at("/closed_form_ms/async").asDouble(), root.at("/results/async/last_result_ms").asDouble(), 1e-6);
    }

    @Test
    void simulateWritesATimelineAndATable() throws Exception {
        Path t = dir.resolve("sub/timeline.json");
        Result r = run("simulate", "--synthetic", "chains", "--chains", "2", "--length", "3", "--timeline", t.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("async-naive"));
        assertTrue(r.out().contains("speedup vs sync"));
        assertTrue(new ObjectMapper().readTree(Files.readString(t)).get("traceEvents").size() > 20);
    }

    @Test
    void simulateReadsAScenarioFile() throws Exception {
        Path f = dir.resolve("task.json");
        Files.writeString(f, """
                {"calls": [
                  {"id": "a", "function": "search", "arguments": {"q": "x"}, "exec_ms": 100, "result": {"id": 7}},
                  {"id": "b", "function": "get", "arguments": {"item": {"$ref": "a", "path": "/id"}}, "exec_ms": 50},
                  {"id": "c", "function": "ping", "exec_ms": 300}
                ]}""");
        Result r = run("simulate", "--scenario", f.toString(), "--methods", "sync,async", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode root = new ObjectMapper().readTree(r.out());
        assertEquals(2, root.get("results").size());
        assertFalse(root.has("closed_form_ms"), "closed forms hold only for independent calls");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "simulate --synthetic parallel --methods sync,turbo",
            "simulate --synthetic parallel --tool-latency 500:30:110",
            "simulate --synthetic zigzag",
            "simulate --synthetic parallel --calls 0",
            "simulate --synthetic parallel --policy fastest",
            "simulate --synthetic parallel --deployment moon",
            "simulate --scenario /nonexistent/task.json",
            "simulate --synthetic parallel --frobnicate",
            "simulate"})
    void userMistakesGiveOneLineAndExitCode2(String line) {
        Result r = run(line.split(" "));
        assertEquals(2, r.code(), r.out() + r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        assertTrue(r.err().startsWith("asynclm: "), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
    }

    @Test
    void malformedScenarioNamesFileLineAndField() throws Exception {
        Path f = dir.resolve("bad.json");
        Files.writeString(f, "{\"calls\": [\n  {\"id\": \"a\", \"function\": \"f\", \"exec_ms\": \"slow\"}\n]}");
        Result r = run("simulate", "--scenario", f.toString());
        assertEquals(2, r.code());
        assertEquals("asynclm: " + f + ":2: calls.0.exec_ms: must be a number of milliseconds from 0 to 86,400,000 (a day)\n", r.err());
    }

    @Test
    void quickstartWritesALinkedReportAndReusesItOnTheSecondRun() throws Exception {
        Path out = dir.resolve("qs");
        Result first = run("quickstart", "--fast", "--out", out.toString());
        assertEquals(0, first.code(), first.err());
        assertTrue(first.out().contains("report: " + out.resolve("index.html").toAbsolutePath()), first.out());
        String index = Files.readString(out.resolve("index.html"));
        assertTrue(index.contains("href=\"latency/report.html\""));
        assertTrue(index.contains("src=\"train/loss.png\""), index);
        assertTrue(index.contains("href=\"learning.json\""), index);
        assertTrue(index.contains("href=\"learning-copied.json\""), index);
        assertTrue(first.out().contains("== train: bin/asynclm train --config"), first.out());
        JsonNode learning = new ObjectMapper().readTree(out.resolve("learning.json").toFile());
        assertEquals(10, learning.get("runs").size());
        assertEquals("free", learning.at("/settings/values").asText());
        JsonNode copied = new ObjectMapper().readTree(out.resolve("learning-copied.json").toFile());
        assertEquals("copied", copied.at("/settings/values").asText());
        assertEquals(10, copied.get("runs").size());
        assertTrue(Files.exists(QuickstartCommand.finishedCheckpoint(out.resolve("train")).resolve("model.safetensors")));
        JsonNode report = new ObjectMapper().readTree(out.resolve("latency/report.json").toFile());
        assertEquals(4, report.get("experiments").size());
        long written = Files.getLastModifiedTime(out.resolve("latency/report.json")).toMillis();
        Result second = run("quickstart", "--fast", "--out", out.toString());
        assertEquals(0, second.code());
        for (String stage : new String[] {"model", "traces", "train", "learning", "learning, copied values",
            "latency"}) {
            assertTrue(second.out().contains(stage + ": reusing"), second.out());
        }
        assertEquals(written, Files.getLastModifiedTime(out.resolve("latency/report.json")).toMillis());
    }

    @Test
    void initModelWritesACheckpointOnceAndRefusesToOverwrite() throws Exception {
        Path out = dir.resolve("m");
        Result r = run("init-model", "--preset", "../configs/model/tiny.yaml", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("436,096 parameters"), r.out());
        Result again = run("init-model", "--preset", "../configs/model/tiny.yaml", "--out", out.toString());
        assertEquals(2, again.code());
        assertTrue(again.err().contains("already holds a checkpoint"), again.err());
        assertEquals(0, run("init-model", "--preset", "../configs/model/tiny.yaml", "--out", out.toString(),
                "--force").code());
        Result bad = run("init-model", "--preset", "huge", "--out", dir.resolve("x").toString());
        assertEquals(2, bad.code());
        assertEquals("asynclm: --preset: no preset 'huge' in configs/model/\n", bad.err());
    }

    @Test
    void evalLatencyWritesItsReport() throws Exception {
        Path out = dir.resolve("lat");
        Result r = run("eval", "latency", "--dataset", "synthetic-multi-step-parallel", "--n", "10", "--out",
                out.toString());
        assertEquals(0, r.code(), r.err());
        for (String f : List.of("report.json", "report.html", "timeline.json")) {
            assertTrue(Files.size(out.resolve(f)) > 100, f);
        }
        assertEquals(2, run("eval", "latency", "--dataset", "bfcl-ish", "--out", out.toString()).code());
        assertEquals(2, run("eval", "latency", "--dataset", "synthetic-parallel", "--engine", "gpt", "--out",
                out.toString()).code());
    }

    /**
     * A Llama-3-style BPE tokenizer (tools/make_bpe_tokenizer.py: no CML tokens, so the markers take reserved
     * tokens) counts a call block in a quarter of the byte-level tokens: every method gets faster and Async's
     * lead grows, while the teacher still makes every call right.
     */
    @Test
    void evalLatencyCountsTokensWithATokenizerJson() throws Exception {
        JsonNode[] async = new JsonNode[2];
        String[][] tokenizers = {{}, {"--tokenizer", "src/test/resources/bpe-2k/tokenizer.json"}};
        for (int k = 0; k < 2; k++) {
            Path out = dir.resolve("tok" + k);
            List<String> args = new ArrayList<>(List.of("eval", "latency", "--dataset",
                    "synthetic-multi-step-parallel", "--n", "30", "--out", out.toString()));
            args.addAll(List.of(tokenizers[k]));
            Result r = run(args.toArray(String[]::new));
            assertEquals(0, r.code(), r.err());
            JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
            async[k] = report.at("/experiments/0/methods/async");
            assertEquals(k == 0 ? "byte" : tokenizers[1][1], report.at("/experiments/0/settings/tokenizer").asText());
        }
        assertEquals(1.0, async[1].get("accuracy").asDouble());
        assertTrue(async[1].get("mean_ms").asDouble() < 0.7 * async[0].get("mean_ms").asDouble(), async[1].toString());
        assertTrue(async[1].get("speedup_vs_sync").asDouble() > async[0].get("speedup_vs_sync").asDouble());
        Result both = run("eval", "latency", "--dataset", "synthetic-parallel", "--engine", "llama", "--model",
                dir.toString(), "--tokenizer", "src/test/resources/bpe-2k/tokenizer.json", "--out", dir.toString());
        assertEquals(2, both.code());
        assertTrue(both.err().contains("--tokenizer is for the teacher engine"), both.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "simulate", "bench", "bench runtime", "bench datagen", "eval", "eval latency",
            "quickstart", "datagen", "datagen validate", "bfcl", "bfcl score", "init-model", "model",
            "model score", "generate", "bench model", "eval bfcl", "bfcl download", "train-data", "train",
            "eval synthetic", "export", "bench train"})
    void everyCommandHasHelpWithAnExample(String command) {
        String[] args = (command + " --help").strip().split(" ");
        Result r = run(args);
        assertEquals(0, r.code());
        assertTrue(r.out().contains("Example"), r.out());
        assertTrue(r.out().contains("bin/asynclm"), r.out());
    }

    @Test
    void benchRuntimePrintsItsFigures() throws Exception {
        Result r = run("bench", "runtime", "--calls", "200", "--rounds", "1", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode n = new ObjectMapper().readTree(r.out());
        assertEquals(200, n.get("interrupts").asInt());
        assertTrue(n.get("ns_per_token_p50").asDouble() > 0);
    }

    @Test
    void benchDatagenReportsAMeasuredRound() throws Exception {
        Result r = run("bench", "datagen", "--n", "100", "--rounds", "3", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode n = new ObjectMapper().readTree(r.out());
        assertEquals(100, n.get("traces").asInt());
        assertEquals(3, n.get("rounds").asInt());
        double perSecond = n.get("traces_per_s").asDouble();
        assertEquals(100 / n.get("seconds").asDouble(), perSecond, 1.0, "traces/s is traces over the round's time");
        assertTrue(n.get("tokens_per_s").asDouble() > 100 * perSecond, "each trace has hundreds of assistant tokens");
    }
}
