package org.asynclm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.asynclm.datagen.LatencyDataset;
import org.asynclm.eval.bfcl.BfclFiles;
import org.asynclm.model.llama.LlamaEngine;
import org.asynclm.model.llama.Sampler;
import org.asynclm.runtime.CostModel;
import org.asynclm.runtime.Method;
import org.asynclm.runtime.Outcome;
import org.asynclm.runtime.remote.OpenAiClient;
import org.asynclm.runtime.remote.OpenAiEngine;
import org.asynclm.runtime.remote.OpenAiServer;
import org.asynclm.runtime.scenario.LatencyDistribution;
import org.asynclm.runtime.scenario.Scenario;
import org.asynclm.runtime.sim.Simulator;
import org.asynclm.runtime.teacher.PolicyName;
import org.asynclm.runtime.tokens.Tokenizer;
import org.asynclm.model.llama.Llama;
import org.asynclm.serve.ModelServer;
import org.asynclm.serve.ServeConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same checkpoint two ways: in process ({@code --engine llama}) and behind {@code asynclm serve} over loopback HTTP
 * ({@code --engine openai}), greedy, under Sync and Async-Naive. Every token is charged at the TPOT on the virtual
 * clock, so equal makespans scenario by scenario mean the server wrote what the engine wrote, token for token; the
 * calls' checks agree too. The report of the HTTP run carries what its requests measured on the wall clock.
 */
class EnginesMeetServersTest {
    @TempDir
    Path dir;

    @Test
    void aServedCheckpointWritesWhatTheLocalEngineWrites() throws Exception {
        Path model = dir.resolve("tiny");
        assertEquals(0, CliTest.run("init-model", "--preset", "../configs/model/tiny.yaml", "--seed", "3", "--out",
                model.toString()).code());
        String[] common = {"--dataset", "synthetic-parallel", "--n", "2", "--methods", "sync,async-naive",
            "--max-tokens", "48", "--seed", "5"};
        Path local = dir.resolve("local");
        CliTest.Result a = CliTest.run(concat(new String[] {"eval", "latency", "--engine", "llama", "--model",
            model.toString(), "--out", local.toString()}, common));
        assertEquals(0, a.code(), a.err());
        Path remote = dir.resolve("remote");
        CliTest.Result b;
        try (Llama llama = Llama.load(model, Device.cpu());
             ModelServer server = ModelServer.start(llama, "tiny", new ServeConfig("127.0.0.1", 0, 4, 4096, null))) {
            b = CliTest.run(concat(new String[] {"eval", "latency", "--engine", "openai", "--base-url",
                "http://127.0.0.1:" + server.port() + "/v1", "--model", "tiny", "--tokenizer",
                model.resolve("tokenizer.json").toString(), "--out", remote.toString()}, common));
        }
        assertEquals(0, b.code(), b.err());
        ObjectMapper m = new ObjectMapper();
        JsonNode x = m.readTree(local.resolve("report.json").toFile()).at("/experiments/0");
        JsonNode y = m.readTree(remote.resolve("report.json").toFile()).at("/experiments/0");
        for (int i = 0; i < 2; i++) {
            assertEquals(x.at("/per_scenario/" + i + "/makespan_ms"), y.at("/per_scenario/" + i + "/makespan_ms"),
                    "scenario " + i);
        }
        for (String method : new String[] {"sync", "async-naive"}) {
            assertEquals(x.at("/methods/" + method + "/call_match_rate"), y.at("/methods/" + method + "/call_match_rate"));
            assertEquals(x.at("/methods/" + method + "/prefill_tokens"), y.at("/methods/" + method + "/prefill_tokens"));
        }
        JsonNode server = y.get("server");
        assertEquals(x.at("/per_scenario/0/calls"), y.at("/per_scenario/0/calls"));
        assertTrue(server.get("requests").asInt() >= 6, server.toString());
        assertTrue(server.get("ttft_p50_ms").asDouble() > 0, server.toString());
        assertTrue(b.out().contains("requests to http://127.0.0.1:"), b.out());
    }

    /** Token for token: the transcripts of both engines are equal, scenario by scenario and method by method. */
    @Test
    void theTranscriptsAreEqual() throws Exception {
        Path model = dir.resolve("tiny");
        assertEquals(0, CliTest.run("init-model", "--preset", "../configs/model/tiny.yaml", "--seed", "3", "--out",
                model.toString()).code());
        List<Scenario> scenarios = LatencyDataset.parse("synthetic-parallel").scenarios(null, 2, 5,
                LatencyDistribution.PAPER_EVAL_TOOLS, null);
        try (Llama llama = Llama.load(model, Device.cpu());
             ModelServer server = ModelServer.start(llama, "tiny", new ServeConfig("127.0.0.1", 0, 4, 4096, null))) {
            Tokenizer tok = llama.tokenizer();
            OpenAiClient client = new OpenAiClient(new OpenAiServer(URI.create("http://127.0.0.1:" + server.port()
                    + "/v1"), "tiny", null, Duration.ofSeconds(30), 0));
            CostModel cost = CostModel.local(5, 0);
            Simulator local = new Simulator(tok, cost, PolicyName.LPT, 0, 40,
                    (s, m, clock, b) -> new LlamaEngine(llama, Sampler.greedy()));
            Simulator remote = new Simulator(tok, cost, PolicyName.LPT, 0, 40,
                    (s, m, clock, b) -> new OpenAiEngine(client, tok, new OpenAiClient.Sampling(0, 1, 0L), 40));
            for (Scenario sc : scenarios) {
                for (Method method : List.of(Method.SYNC, Method.ASYNC_NAIVE)) {
                    Outcome want = local.run(sc, method, null);
                    Outcome got = remote.run(sc, method, null);
                    assertEquals(want.transcript(), got.transcript(), sc.name() + " " + method.id());
                    assertEquals(want.endState(), got.endState());
                }
            }
        }
    }

    /**
     * simulate, eval synthetic and eval bfcl take a served model too, and print what they print for it in process:
     * the same rates, scores and end states, with the requests' line added.
     */
    @Test
    void everyCommandThatRunsAModelTakesAServedOne() throws Exception {
        Path model = dir.resolve("tiny");
        assertEquals(0, CliTest.run("init-model", "--preset", "../configs/model/tiny.yaml", "--seed", "3", "--out",
                model.toString()).code());
        try (Llama llama = Llama.load(model, Device.cpu());
             ModelServer server = ModelServer.start(llama, "tiny", new ServeConfig("127.0.0.1", 0, 4, 4096, null))) {
            String[] remote = {"--base-url", "http://127.0.0.1:" + server.port() + "/v1", "--model", "tiny",
                "--tokenizer", model.resolve("tokenizer.json").toString()};
            String[] synthetic = {"eval", "synthetic", "--n", "2", "--seed", "7", "--max-tokens", "40", "--json"};
            CliTest.Result here = CliTest.run(concat(synthetic, new String[] {"--model", model.toString()}));
            CliTest.Result there = CliTest.run(concat(synthetic, remote));
            assertEquals(0, there.code(), there.err());
            ObjectMapper m = new ObjectMapper();
            JsonNode a = m.readTree(here.out());
            JsonNode b = m.readTree(there.out().substring(0, there.out().lastIndexOf('}') + 1));
            assertEquals(a, b, "the same rates in process and over HTTP");

            String[] bfcl = {"eval", "bfcl", "--bfcl-dir", "../testdata/bfcl", "--categories", "simple_python",
                "--mode", "async", "--n", "2", "--max-tokens", "32"};
            Path local = dir.resolve("bfcl-local");
            Path served = dir.resolve("bfcl-served");
            assertEquals(0, CliTest.run(concat(bfcl, new String[] {"--model", model.toString(), "--out",
                local.toString()})).code());
            CliTest.Result overHttp = CliTest.run(concat(concat(bfcl, remote), new String[] {"--out", served.toString()}));
            assertEquals(0, overHttp.code(), overHttp.err());
            assertTrue(overHttp.out().contains("requests to http://127.0.0.1:"), overHttp.out());
            assertEquals(Files.readString(BfclFiles.resultFile(local, "simple_python")),
                    Files.readString(BfclFiles.resultFile(served, "simple_python")), "the same answers");

            CliTest.Result sim = CliTest.run(concat(new String[] {"simulate", "--synthetic", "parallel", "--calls", "2",
                "--engine", "openai", "--max-tokens", "24", "--json"}, remote));
            JsonNode results = m.readTree(sim.out()).get("results");
            assertTrue(results.has("async-naive") && !results.has("async"), "async over HTTP is async-naive: " + results);
            CliTest.Result mismatched = CliTest.run("simulate", "--synthetic", "parallel", "--engine", "openai",
                    "--model", "tiny");
            assertEquals(2, mismatched.code());
            assertEquals("asynclm: --engine openai goes with --base-url URL --model NAME --tokenizer FILE",
                    mismatched.err().strip());
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
