package org.asynclm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.asynclm.model.lora.LoraAdapter;
import org.asynclm.model.safetensors.Safetensors;
import org.asynclm.model.safetensors.WeightFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModelCliTest {
    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void initModel() {
        model = dir.resolve("tiny");
        assertEquals(0, CliTest.run("init-model", "--preset", "../configs/model/tiny.yaml", "--out", model.toString(),
                "--seed", "0").code());
    }

    /**
     * The golden values transformers computed on the same checkpoint (model/src/test/resources/golden), and PEFT with
     * the LoRA adapter saved there.
     */
    @ParameterizedTest
    @CsvSource({"llama-tiny,", "lora-tiny,../model/src/test/resources/golden/lora-tiny"})
    void scoreMatchesTransformers(String goldenName, String adapter) throws Exception {
        ObjectMapper m = new ObjectMapper();
        JsonNode golden = m.readTree(Files.readString(Path.of("../model/src/test/resources/golden/" + goldenName + ".json")));
        List<String> args = new ArrayList<>(List.of("model", "score", "--model",
                model.toString(), "--text", golden.get("prompt").asText(), "--json"));
        if (adapter != null) {
            args.addAll(List.of("--adapter", adapter));
        }
        CliTest.Result r = CliTest.run(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        JsonNode out = m.readTree(r.out());
        assertEquals(golden.get("token_ids"), out.get("token_ids"));
        assertTrue(out.get("token_logprobs").get(0).isNull());
        double worst = 0;
        for (int i = 1; i < out.get("token_logprobs").size(); i++) {
            worst = Math.max(worst, Math.abs(out.get("token_logprobs").get(i).asDouble()
                    - golden.get("token_logprobs").get(i).asDouble()));
        }
        for (int v = 0; v < golden.get("last_logits").size(); v++) {
            worst = Math.max(worst, Math.abs(out.get("last_logits").get(v).asDouble()
                    - golden.get("last_logits").get(v).asDouble()));
        }
        assertTrue(worst < 1e-4, "differs by " + worst);
    }

    @Test
    void trainDataReportsExamplesMasksAndPacking() throws Exception {
        String traces = "../training/src/test/resources/traces.jsonl";
        CliTest.Result r = CliTest.run("train-data", "--traces", traces, "--model", model.toString(), "--max-length",
                "8192", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode out = new ObjectMapper().readTree(r.out());
        assertEquals(3, out.get("examples").asInt());
        long tokens = 0;
        long trained = 0;
        for (String line : Files.readAllLines(Path.of(traces))) {
            JsonNode t = new ObjectMapper().readTree(line);
            tokens += t.get("prompt_tokens").asLong() + t.get("assistant_tokens").asLong() + 1; // + <|eot_id|>
            for (JsonNode s : t.get("assistant")) {
                trained += s.get("kind").asText().equals("model") ? s.get("tokens").asLong() : 0;
            }
            trained++;
        }
        assertEquals(tokens, out.get("tokens").asLong());
        assertEquals(trained, out.get("trained_tokens").asLong());
        assertEquals(1, out.get("rows").asInt(), "three examples of about 2,300 tokens fill one row of 8,192");
        CliTest.Result bad = CliTest.run("train-data", "--traces", traces, "--model", model.toString(), "--overlong",
                "cut");
        assertEquals(2, bad.code());
        assertEquals("asynclm: Invalid value for option '--overlong': must be one of [drop, truncate], got 'cut' "
                + "(see 'asynclm train-data --help')", bad.err().strip());
    }

    @Test
    void trainDataWritesTheExamplesAsHuggingFaceTrainersTakeThem() throws Exception {
        String traces = "../training/src/test/resources/traces.jsonl";
        Path out = dir.resolve("examples.jsonl");
        CliTest.Result r = CliTest.run("train-data", "--traces", traces, "--model", model.toString(), "--max-length",
                "8192", "--json", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode summary = new ObjectMapper().readTree(r.out());
        List<String> lines = Files.readAllLines(out);
        assertEquals(summary.get("examples").asInt(), lines.size());
        long tokens = 0;
        long trained = 0;
        for (String line : lines) {
            JsonNode e = new ObjectMapper().readTree(line);
            assertEquals(List.of("input_ids", "attention_mask", "labels"), fieldNames(e));
            for (int i = 0; i < e.get("labels").size(); i++) {
                int label = e.get("labels").get(i).asInt();
                assertTrue(label == -100 || label == e.get("input_ids").get(i).asInt(), "label " + i);
                trained += label == -100 ? 0 : 1;
            }
            tokens += e.get("input_ids").size();
        }
        assertEquals(summary.get("tokens").asLong(), tokens);
        assertEquals(summary.get("trained_tokens").asLong(), trained);
        CliTest.Result folder = CliTest.run("train-data", "--traces", traces, "--model", model.toString(), "--out",
                dir.toString());
        assertEquals(2, folder.code());
        assertEquals(1, folder.err().strip().lines().count(), folder.err());
        assertTrue(folder.err().contains(dir.toString()), folder.err());
    }

    /** Two passes over the three fixture traces: the second pass must find them easier than the first. */
    @Test
    void trainLearnsTheTracesAndWritesACheckpointTheOtherCommandsLoad() throws Exception {
        Path run = dir.resolve("train");
        CliTest.Result r = CliTest.run("train", "--model", model.toString(), "--traces",
                "../training/src/test/resources/traces.jsonl", "--out", run.toString(), "--steps", "6", "--lr", "3e-3",
                "--set", "warmup=0", "--set", "max_length=2400", "--set", "eval_fraction=0");
        assertEquals(0, r.code(), r.err());
        List<JsonNode> steps = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            steps.add(new ObjectMapper().readTree(line));
        }
        assertEquals(6, steps.size());
        double firstPass = steps.subList(0, 3).stream().mapToDouble(n -> n.get("loss").asDouble()).sum();
        double secondPass = steps.subList(3, 6).stream().mapToDouble(n -> n.get("loss").asDouble()).sum();
        assertTrue(secondPass < firstPass - 1.0, "loss per pass " + firstPass / 3 + " then " + secondPass / 3);
        Path ckpt = run.resolve("checkpoint-6");
        assertEquals(6, new ObjectMapper().readTree(ckpt.resolve("trainer_state.json").toFile()).get("step").asInt());
        CliTest.Result before = CliTest.run("model", "score", "--model", model.toString(), "--text", "[CALL]a", "--json");
        CliTest.Result after = CliTest.run("model", "score", "--model", ckpt.toString(), "--text", "[CALL]a", "--json");
        assertEquals(0, after.code(), after.err());
        assertTrue(!before.out().equals(after.out()), "the trained weights were written");
    }

    /**
     * The memory levers, set in the config, change no step: three steps with the lm head and loss in stretches of 97
     * tokens and every layer recomputed give the losses and gradient norms of three plain steps.
     */
    @Test
    void theMemoryLeversTrainTheSameSteps() throws Exception {
        List<List<Double>> runs = new ArrayList<>();
        for (String levers : List.of("plain", "levers")) {
            Path run = dir.resolve("memory-" + levers);
            List<String> args = new ArrayList<>(List.of("train", "--model", model.toString(), "--traces",
                    "../training/src/test/resources/traces.jsonl", "--out", run.toString(), "--steps", "3",
                    "--set", "max_length=2400", "--set", "eval_fraction=0"));
            if (levers.equals("levers")) {
                args.addAll(List.of("--set", "gradient_checkpointing=true", "--set", "loss_chunk=97"));
            }
            CliTest.Result r = CliTest.run(args.toArray(String[]::new));
            assertEquals(0, r.code(), r.err());
            List<Double> figures = new ArrayList<>();
            for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
                JsonNode n = new ObjectMapper().readTree(line);
                figures.add(n.get("loss").asDouble());
                figures.add(n.get("grad_norm").asDouble());
            }
            runs.add(figures);
        }
        assertEquals(6, runs.get(0).size());
        for (int i = 0; i < 6; i++) {
            assertEquals(runs.get(0).get(i), runs.get(1).get(i), 1e-5 * Math.max(1, runs.get(0).get(i)),
                    runs.toString());
        }
    }

    @Test
    void benchTrainTakesAConfigOrAShape() {
        CliTest.Result neither = CliTest.run("bench", "train");
        assertEquals(2, neither.code());
        assertEquals("asynclm: give --config FILE (a train config on its data) or --shape NAME (a Llama 3.2 shape "
                + "with random weights), not neither", neither.err().strip());
        CliTest.Result half = CliTest.run("bench", "train", "--shape", "llama-3.2-1b", "--lora-rank", "0",
                "--base-precision", "fp16");
        assertEquals(2, half.code());
        assertEquals("asynclm: --base-precision fp16 is for LoRA: full fine-tuning trains every weight in fp32",
                half.err().strip());
        CliTest.Result shape = CliTest.run("bench", "train", "--shape", "llama-3.2-8b");
        assertEquals(2, shape.code());
        assertTrue(shape.err().contains("llama-3.2-1b") && shape.err().contains("llama-3.2-3b"), shape.err());
        CliTest.Result profiled = CliTest.run("bench", "train", "--shape", "llama-3.2-1b", "--profile",
                dir.resolve("never.json").toString());
        assertEquals(2, profiled.code());
        assertEquals("asynclm: --profile goes with --config, not --shape", profiled.err().strip());
    }

    /** LoRA on the frozen base: the adapter learns, and is written in PEFT's layout that --adapter loads. */
    @Test
    void trainLoraWritesAnAdapter() throws Exception {
        Path run = dir.resolve("lora");
        CliTest.Result r = CliTest.run("train", "--model", model.toString(), "--traces",
                "../training/src/test/resources/traces.jsonl", "--out", run.toString(), "--steps", "6", "--lr", "1e-2",
                "--set", "warmup=0", "--set", "max_length=2400", "--set", "eval_fraction=0", "--lora-rank", "8");
        assertEquals(0, r.code(), r.err());
        List<String> lines = Files.readAllLines(run.resolve("metrics.jsonl"));
        double firstPass = 0;
        double secondPass = 0;
        for (int i = 0; i < 6; i++) {
            double loss = new ObjectMapper().readTree(lines.get(i)).get("loss").asDouble();
            firstPass += i < 3 ? loss : 0;
            secondPass += i < 3 ? 0 : loss;
        }
        assertTrue(secondPass < firstPass - 0.3, "loss per pass " + firstPass / 3 + " then " + secondPass / 3);
        Path adapter = run.resolve("checkpoint-6");
        assertTrue(Files.exists(adapter.resolve("adapter_config.json")));
        CliTest.Result base = CliTest.run("model", "score", "--model", model.toString(), "--text", "[CALL]a", "--json");
        CliTest.Result tuned = CliTest.run("model", "score", "--model", model.toString(), "--adapter",
                adapter.toString(), "--text", "[CALL]a", "--json");
        assertEquals(0, tuned.code(), tuned.err());
        assertTrue(!base.out().equals(tuned.out()), "the adapter changes the model");

        // export: the adapter alone in PEFT's layout, and the base with it folded in
        Path peft = dir.resolve("lora-peft");
        Path merged = dir.resolve("lora-merged");
        assertEquals(0, CliTest.run("export", "--checkpoint", adapter.toString(), "--format", "peft", "--out",
                peft.toString()).code());
        assertEquals(Set.of("adapter_config.json", "adapter_model.safetensors", "export.json"), files(peft));
        CliTest.Result export = CliTest.run("export", "--checkpoint", adapter.toString(), "--format", "merged",
                "--out", merged.toString());
        assertEquals(0, export.code(), export.err());
        assertTrue(files(merged).containsAll(Set.of("config.json", "model.safetensors", "tokenizer.json")));
        assertTrue(!files(merged).contains("optimizer.safetensors"));
        JsonNode viaAdapter = new ObjectMapper().readTree(tuned.out()).get("last_logits");
        JsonNode viaMerged = new ObjectMapper().readTree(CliTest.run("model", "score", "--model", merged.toString(),
                "--text", "[CALL]a", "--json").out()).get("last_logits");
        for (int v = 0; v < viaAdapter.size(); v++) {
            assertEquals(viaAdapter.get(v).asDouble(), viaMerged.get(v).asDouble(), 1e-4, "logit " + v);
        }
    }

    /** Under LoRA the CML markers' embedding rows train too, from the mean row, and travel in the adapter. */
    @Test
    void loraTrainsTheMarkerRows() throws Exception {
        Path run = dir.resolve("lora-tokens");
        CliTest.Result r = CliTest.run("train", "--model", model.toString(), "--traces",
                "../training/src/test/resources/traces.jsonl", "--out", run.toString(), "--steps", "3", "--lr", "1e-2",
                "--lora-rank", "4", "--set", "lora.trainable_tokens=[\"[CALL]\", \"[END]\"]", "--set",
                "max_length=2400", "--set", "eval_fraction=0");
        assertEquals(0, r.code(), r.err());
        Path adapter = run.resolve("checkpoint-3");
        JsonNode config = new ObjectMapper().readTree(adapter.resolve("adapter_config.json").toFile());
        assertEquals("[261,264]", config.get("trainable_token_indices").toString());
        var tensors = Safetensors.index(adapter.resolve("adapter_model.safetensors"));
        float[] trained = Safetensors.readFloats(
                tensors.get(LoraAdapter.TOKEN_ROWS));
        float[] start = Safetensors.readFloats(
                Safetensors.index(run.resolve("adapter-init/adapter_model.safetensors"))
                        .get(LoraAdapter.TOKEN_ROWS));
        float[] embedding = WeightFiles.open(model).floats("model.embed_tokens.weight",
                266, 128);
        double mean = 0;
        for (int v = 0; v < 266; v++) {
            mean += embedding[v * 128] / 266;
        }
        assertEquals(mean, start[0], 1e-6, "rows start at the mean embedding");
        assertTrue(Math.abs(trained[0] - start[0]) > 1e-4, "the rows trained");
        CliTest.Result bad = CliTest.run("train", "--model", model.toString(), "--traces",
                "../training/src/test/resources/traces.jsonl", "--out", dir.resolve("bad").toString(), "--steps", "1",
                "--lora-rank", "4", "--set", "lora.trainable_tokens=[\"hello\"]");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("lora.trainable_tokens: 'hello' is 5 tokens"), bad.err());
    }

    @Test
    void exportRefusesWhatItCannotWrite() {
        CliTest.Result full = CliTest.run("export", "--checkpoint", model.toString(), "--format", "peft", "--out",
                dir.resolve("x").toString());
        assertEquals(2, full.code());
        assertTrue(full.err().contains("a full fine-tuning checkpoint has no adapter; use --format merged"), full.err());
        CliTest.Result none = CliTest.run("export", "--checkpoint", dir.toString(), "--format", "merged", "--out",
                dir.resolve("y").toString());
        assertEquals(2, none.code());
        assertTrue(none.err().contains("not a checkpoint of a train run"), none.err());
    }

    /** A config run writes the held-out loss and the loss curve; bench train measures the same steps. */
    @Test
    void trainFromAConfigAndBenchIt() throws Exception {
        Path traces = dir.resolve("six.jsonl");
        assertEquals(0, CliTest.run("datagen", "--config", "../configs/datagen/synthetic.yaml", "--set", "n=6",
                "--out", traces.toString()).code());
        Path run = dir.resolve("config-run");
        String[] sets = {"--set", "base_model=\"" + model + "\"", "--set", "train_data=\"" + traces + "\"",
            "--set", "eval_fraction=0.33", "--set", "eval_every=2", "--set", "max_length=4096",
            "--set", "task_eval.n=3", "--set", "copy_steps=0", "--set", "every_token_steps=2"};
        List<String> args = new ArrayList<>(List.of("train", "--config",
                "../configs/train/tiny-cpu.yaml", "--max-steps", "4", "--out", run.toString()));
        args.addAll(List.of(sets));
        CliTest.Result r = CliTest.run(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        List<String> lines = Files.readAllLines(run.resolve("metrics.jsonl"));
        assertEquals(4, lines.size());
        assertTrue(new ObjectMapper().readTree(lines.get(1)).has("eval_loss"));
        assertTrue(!new ObjectMapper().readTree(lines.get(2)).has("eval_loss"));
        assertTrue(new ObjectMapper().readTree(lines.get(3)).has("eval_loss"));
        byte[] png = Files.readAllBytes(run.resolve("loss.png"));
        assertEquals((byte) 0x89, png[0]);
        assertEquals('P', png[1]);
        // The held-out task checks ran on the one checkpoint (the end), and their rates were plotted.
        JsonNode last = new ObjectMapper().readTree(lines.get(3));
        assertTrue(last.get("task_eval").has("cml_valid_rate") && last.get("task_eval").has("runaway_rate"),
                last.toString());
        assertEquals(0.0, last.get("task_eval").get("scenario_ok_rate").asDouble(), "4 steps teach nothing: " + last);
        assertTrue(!new ObjectMapper().readTree(lines.get(2)).has("task_eval"), "no checkpoint at step 3");
        assertEquals((byte) 0x89, Files.readAllBytes(run.resolve("tasks.png"))[0]);
        // The first two steps trained every token, the rest only the model's own.
        assertTrue(new ObjectMapper().readTree(lines.get(0)).get("trained_tokens").asInt()
                > 2 * new ObjectMapper().readTree(lines.get(3)).get("trained_tokens").asInt(), lines.toString());
        JsonNode state = new ObjectMapper().readTree(run.resolve("checkpoint-4/trainer_state.json").toFile());
        assertEquals(2, state.get("eval_examples").asInt(), "a third of six examples held out");
        assertEquals(4, state.get("examples").asInt());

        Path profile = dir.resolve("profile.json");
        List<String> bench = new ArrayList<>(List.of("bench", "train", "--config",
                "../configs/train/tiny-cpu.yaml", "--steps", "2", "--warmup-steps", "1", "--json",
                "--profile", profile.toString()));
        bench.addAll(List.of(sets));
        CliTest.Result b = CliTest.run(bench.toArray(String[]::new));
        assertEquals(0, b.code(), b.err());
        JsonNode n = new ObjectMapper().readTree(b.out());
        assertTrue(n.get("tokens_per_s").asLong() > 0, b.out());
        assertTrue(n.get("peak_rss_mb").asLong() > 100, b.out());
        // The profile is a Chrome trace of the measured steps (the array form, which Perfetto opens): the two
        // steps' projections, their fused attention and the optimiser's one call each, each op timed.
        Map<String, Integer> ops = new TreeMap<>();
        JsonNode trace = new ObjectMapper().readTree(profile.toFile());
        assertTrue(trace.isArray(), "a Chrome trace's array of events");
        for (JsonNode e : trace) {
            if ("X".equals(e.path("ph").asText())) {
                assertTrue(e.get("dur").asDouble() >= 0, e.toString());
                ops.merge(e.get("name").asText(), 1, Integer::sum);
            }
        }
        assertTrue(ops.getOrDefault("aten::mm", 0) >= 2 * 7 * 2, ops.toString());
        assertTrue(ops.containsKey("aten::_scaled_dot_product_flash_attention_for_cpu"), ops.toString());
        assertEquals(2, ops.get("aten::_foreach_lerp_"), ops.toString());
        // A second run refuses to overwrite it, before any step.
        CliTest.Result again = CliTest.run(bench.toArray(String[]::new));
        assertEquals(2, again.code());
        assertEquals("asynclm: " + profile + ": already exists; name a new file for the profile", again.err().strip());
    }

    private static Set<String> files(Path d) throws IOException {
        try (var list = Files.list(d)) {
            return list.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    @Test
    void aBadAdapterIsOneLineAndExitCode2() {
        CliTest.Result r = CliTest.run("generate", "--model", model.toString(), "--prompt", "hi", "--adapter",
                dir.toString());
        assertEquals(2, r.code());
        assertEquals("asynclm: " + dir + ": no adapter_config.json (not a PEFT adapter directory)", r.err().strip());
    }

    @Test
    void benchModelWritesACalibrationThatSimulateReads() throws Exception {
        Path cal = dir.resolve("cal.json");
        CliTest.Result r = CliTest.run("bench", "model", "--model", model.toString(), "--repeats", "1", "--json",
                "--write-calibration", cal.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode out = new ObjectMapper().readTree(r.out());
        assertTrue(out.get("decode_ms_per_token_ctx64").asDouble() > 0);
        assertTrue(out.get("recompute_ns_quadratic").asDouble() >= 0 && out.get("recompute_ns_linear").asDouble() >= 0);
        assertTrue(new ObjectMapper().readTree(cal.toFile()).get("swap_ns_per_token").asDouble() > 0);
        // the untrained model cannot finish in ten tokens: exit 1, its row marked invalid, but the calibration read
        CliTest.Result sim = CliTest.run("simulate", "--synthetic", "parallel", "--calls", "1", "--engine", "llama",
                "--model", model.toString(), "--methods", "async", "--max-tokens", "10", "--calibration",
                cal.toString());
        assertEquals(1, sim.code(), sim.err());
        assertTrue(sim.err().contains("async (max_tokens) did not finish the task"), sim.err());
    }

    @Test
    void evalBfclWritesResultFilesThatBfclScoreReads() throws Exception {
        Path out = dir.resolve("bfcl");
        for (String mode : new String[] {"sync", "async"}) {
            CliTest.Result r = CliTest.run("eval", "bfcl", "--model", model.toString(), "--bfcl-dir",
                    DatagenCliTest.BFCL.toString(), "--categories", "parallel,irrelevance", "--mode", mode, "--n", "2",
                    "--max-tokens", "12", "--out", out.toString());
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("parallel") && r.out().contains(mode), r.out());
            assertEquals(2, Files.readAllLines(out.resolve("BFCL_v4_parallel_result.json")).size());
            assertEquals(2, Files.readAllLines(out.resolve("BFCL_v4_irrelevance_score.json")).size());
        }
        CliTest.Result rescored = CliTest.run("bfcl", "score", "--bfcl-dir", DatagenCliTest.BFCL.toString(),
                "--category", "parallel", "--results", out.resolve("BFCL_v4_parallel_result.json").toString());
        assertEquals(0, rescored.code(), rescored.err());
    }

    /**
     * Multi-turn entries run on the Java backends and are scored by executing the calls. In async mode the tiny-16k
     * preset holds the CML prompt of multi_turn_base_100 (TradingBot's 20 functions); BFCL's sync prompt, indented
     * JSON, does not fit, and the entry is then an inference error that names the reason. (The sync protocol itself
     * is tested with a scripted model in MultiTurnRunTest.)
     */
    @Test
    void evalBfclRunsMultiTurnEntriesOnTheBackends() throws Exception {
        Path longModel = dir.resolve("tiny-16k");
        assertEquals(0, CliTest.run("init-model", "--preset", "../configs/model/tiny-16k.yaml", "--out",
                longModel.toString()).code());
        ObjectMapper json = new ObjectMapper();
        Path out = dir.resolve("mt-async");
        CliTest.Result r = CliTest.run("eval", "bfcl", "--model", longModel.toString(), "--bfcl-dir",
                DatagenCliTest.BFCL.toString(), "--categories", "multi_turn_base", "--ids", "multi_turn_base_100",
                "--mode", "async", "--max-tokens", "8", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode result = json.readTree(Files.readAllLines(out.resolve("BFCL_v4_multi_turn_base_result.json")).get(0));
        assertEquals("multi_turn_base_100", result.get("id").asText());
        assertEquals(2, result.get("result").size(), result.toString()); // the entry's two turns, each run
        JsonNode score = json.readTree(Files.readAllLines(out.resolve("BFCL_v4_multi_turn_base_score.json")).get(0));
        assertEquals(false, score.get("valid").asBoolean()); // an untrained model
        assertTrue(score.get("error_type").asText().startsWith("multi_turn:"), score.toString());

        Path sync = dir.resolve("mt-sync");
        r = CliTest.run("eval", "bfcl", "--model", longModel.toString(), "--bfcl-dir", DatagenCliTest.BFCL.toString(),
                "--categories", "multi_turn_base", "--ids", "multi_turn_base_100", "--mode", "sync", "--out",
                sync.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("multi_turn:inference_error (1)"), r.out());
        assertTrue(Files.readString(sync.resolve("BFCL_v4_multi_turn_base_result.json"))
                .contains("more than the model's context of 16384"));
        CliTest.Result typo = CliTest.run("eval", "bfcl", "--model", model.toString(), "--bfcl-dir",
                DatagenCliTest.BFCL.toString(), "--categories", "multi_turn_base", "--ids", "multi_turn_base_1000",
                "--out", dir.resolve("mt-typo").toString());
        assertEquals(2, typo.code());
        assertEquals("asynclm: --ids: 'multi_turn_base_1000' is not an entry of multi_turn_base", typo.err().strip());
    }

    @Test
    void theModelRunsInTheRuntimeOnTheWallClock() throws Exception {
        Path timeline = dir.resolve("tl.json");
        CliTest.Result r = CliTest.run("simulate", "--synthetic", "parallel", "--calls", "2", "--engine", "llama",
                "--model", model.toString(), "--methods", "sync,async", "--max-tokens", "40", "--timeline",
                timeline.toString(), "--json");
        assertEquals(1, r.code(), r.err()); // the untrained model does not finish the task: no valid figure
        JsonNode out = new ObjectMapper().readTree(r.out());
        for (String m : new String[] {"sync", "async"}) {
            JsonNode res = out.at("/results/" + m);
            assertEquals(false, res.get("valid").asBoolean(), res.toString());
            assertTrue(res.get("generated_tokens").asInt() > 0 && res.get("generated_tokens").asInt() <= 40);
            assertTrue(res.get("decode_ms").asDouble() > 0, "real decode time");
        }
        assertTrue(new ObjectMapper().readTree(timeline.toFile()).get("traceEvents").size() > 5);
        assertEquals(2, CliTest.run("simulate", "--synthetic", "parallel", "--engine", "llama").code());
        assertEquals(2, CliTest.run("model", "score", "--model", dir.resolve("none").toString(), "--text", "x").code());
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> names = new ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
