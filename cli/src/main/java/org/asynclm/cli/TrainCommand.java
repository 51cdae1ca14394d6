package org.asynclm.cli;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.asynclm.model.llama.LlamaConfig;
import org.asynclm.model.llama.TrainableLlama;
import org.asynclm.model.lora.LoraAdapter;
import org.asynclm.model.safetensors.Safetensors;
import org.asynclm.runtime.BadInputException;
import org.asynclm.training.data.Packing;
import org.asynclm.training.data.TraceExamples;
import org.asynclm.training.optim.AdamW;
import org.asynclm.training.sft.FullFineTuning;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Fine-tuning of a checkpoint on native traces (CPU, fp32): every weight, or with --lora-rank "
                + "a LoRA adapter on a frozen base. The loss is taken on what the model writes (see train-data), one "
                + "packed row per step, AdamW with warm-up and cosine decay, gradients clipped to a global norm.",
                "Writes OUT/metrics.jsonl (one line per step) and OUT/checkpoint-STEP directories (every "
                        + "--save-every steps and at the end, the last --keep kept): the Hugging Face layout that model "
                        + "score, generate and eval take as --model, plus the optimizer state and step, so --resume "
                        + "continues the very same run."},
        footer = {"", "Example:", "  bin/asynclm train --model runs/tiny-model --traces runs/traces.jsonl "
                + "--out runs/train --steps 200 --lr 1e-3"})
final class TrainCommand implements Callable<Integer> {
    private static final List<String> COPIED = List.of("config.json", "generation_config.json", "tokenizer.json",
            "tokenizer_config.json");

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "The checkpoint to start from.")
    Path model;

    @Option(names = "--traces", required = true, paramLabel = "FILE", description = "Native trace JSONL.")
    Path traces;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Run directory.")
    Path out;

    @Option(names = "--steps", defaultValue = "100", description = "Optimiser steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--lr", defaultValue = "1e-3", description = "Peak learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--warmup", defaultValue = "0.1", description = "Share of steps warming up (default: ${DEFAULT-VALUE}).")
    double warmup;

    @Option(names = "--weight-decay", defaultValue = "0.01", description = "AdamW weight decay (default: ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(names = "--max-grad-norm", defaultValue = "1.0", description = "Clip gradients to this global norm (default: ${DEFAULT-VALUE}).")
    double maxGradNorm;

    @Option(names = "--max-length", defaultValue = "4096", description = "Longest example in tokens (default: ${DEFAULT-VALUE}).")
    int maxLength;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the row order (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--save-every", defaultValue = "0", description = "Checkpoint every N steps; 0: only at the end (default: ${DEFAULT-VALUE}).")
    int saveEvery;

    @Option(names = "--keep", defaultValue = "2", description = "Checkpoints kept, newest first (default: ${DEFAULT-VALUE}).")
    int keep;

    @Option(names = "--resume", paramLabel = "DIR", description = "Continue from a checkpoint of this run (OUT/checkpoint-STEP).")
    Path resume;

    @Option(names = "--lora-rank", defaultValue = "0", description = "Train a LoRA adapter of this rank instead of every weight; 0: full fine-tuning (default: ${DEFAULT-VALUE}).")
    int loraRank;

    @Option(names = "--lora-alpha", description = "LoRA alpha (default: twice the rank).")
    Double loraAlpha;

    @Option(names = "--lora-targets", split = ",", paramLabel = "P,...",
            description = "Projections the adapter updates (default: all of q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj).")
    List<String> loraTargets;

    @Override
    public Integer call() throws BadInputException, IOException {
        if (steps < 1 || !(lr > 0) || !(warmup >= 0 && warmup < 1) || maxLength < 2 || saveEvery < 0 || keep < 1
                || loraRank < 0) {
            throw new BadInputException("--steps must be at least 1, --lr positive, --warmup in [0, 1), "
                    + "--max-length at least 2, --save-every at least 0, --keep at least 1, --lora-rank at least 0");
        }
        List<String> targets = loraTargets == null ? LoraAdapter.PROJECTIONS : loraTargets;
        for (String t : targets) {
            if (!LoraAdapter.PROJECTIONS.contains(t)) {
                throw new BadInputException("--lora-targets: '" + t + "' is not one of " + LoraAdapter.PROJECTIONS);
            }
        }
        FullFineTuning.Start start = resume == null ? FullFineTuning.Start.FRESH : resumeFrom(resume);
        TraceExamples.Result data = TraceExamples.read(traces, ModelCommand.tokenizer(model), maxLength,
                TraceExamples.Overlong.DROP);
        if (data.examples().isEmpty()) {
            throw new BadInputException(traces + ": no example fits --max-length " + maxLength + " ("
                    + data.dropped() + " dropped)");
        }
        List<Packing.Row> rows = Packing.pack(data.examples(), maxLength);
        Files.createDirectories(out);
        PrintWriter o = spec.commandLine().getOut();
        List<FullFineTuning.Step> done = new ArrayList<>();
        FullFineTuning.Settings settings = new FullFineTuning.Settings(steps, lr, warmup, weightDecay, maxGradNorm,
                seed, saveEvery);
        ObjectMapper json = new ObjectMapper();
        Path metricsFile = out.resolve("metrics.jsonl");
        List<String> earlier = resume == null || !Files.exists(metricsFile) ? List.of()
                : Files.readAllLines(metricsFile).stream().limit(start.step()).toList();
        Path[] last = new Path[1];
        try (TrainableLlama llama = open(targets);
             BufferedWriter metrics = Files.newBufferedWriter(metricsFile, StandardCharsets.UTF_8);
             Progress progress = new Progress("train", steps)) {
            for (String line : earlier) { // a resumed run continues the log of the steps it kept
                metrics.write(line);
                metrics.write('\n');
            }
            progress.accept(start.step());
            FullFineTuning.run(llama, rows, settings, start, s -> {
                done.add(s);
                try {
                    metrics.write(json.writeValueAsString(metricLine(s)));
                    metrics.write('\n');
                    metrics.flush();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                progress.accept(s.step());
            }, (step, optimizer) -> last[0] = writeCheckpoint(llama, optimizer, step, data, rows.size(),
                    done.get(done.size() - 1).loss()));
        } catch (FullFineTuning.DivergedException e) {
            spec.commandLine().getErr().println("asynclm: " + e.getMessage());
            return 1;
        }
        if (done.isEmpty()) {
            throw new BadInputException("--resume " + resume + ": already at step " + start.step() + " of --steps "
                    + steps);
        }
        o.print(summary(data, rows.size(), done));
        o.println("checkpoint: " + last[0]);
        return 0;
    }

    private static ObjectNode metricLine(FullFineTuning.Step s) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("step", s.step());
        n.put("loss", s.loss());
        n.put("lr", s.learningRate());
        n.put("grad_norm", s.gradNorm());
        n.put("tokens", s.tokens());
        n.put("trained_tokens", s.trainedTokens());
        n.put("seconds", s.seconds());
        return n;
    }

    /**
     * The model to train: the base (or a checkpoint to resume) for full fine-tuning; for LoRA the frozen base with
     * the resumed adapter or a new one, initialised as PEFT does from --seed.
     */
    private TrainableLlama open(List<String> targets) throws BadInputException, IOException {
        if (loraRank == 0) {
            return TrainableLlama.load(resume == null ? model : resume, Device.cpu());
        }
        if (resume == null) {
            Path init = initialAdapter();
            deleteTree(init);
            LoraAdapter.init(init, LlamaConfig.read(model.resolve("config.json")), loraRank,
                    loraAlpha == null ? 2.0 * loraRank : loraAlpha, targets, seed);
        }
        return TrainableLlama.withAdapter(model, resume == null ? initialAdapter() : resume, Device.cpu());
    }

    private Path initialAdapter() {
        return out.resolve("adapter-init");
    }

    /** The step and optimizer state of a checkpoint, after checking it belongs to a run with these settings. */
    private FullFineTuning.Start resumeFrom(Path dir) throws BadInputException {
        Path stateFile = dir.resolve("trainer_state.json");
        JsonNode state;
        try {
            state = new ObjectMapper().readTree(stateFile.toFile());
        } catch (IOException e) {
            throw new BadInputException(stateFile + ": cannot read (is --resume a checkpoint of a train run?)");
        }
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("steps", (double) steps);
        expected.put("learning_rate", lr);
        expected.put("warmup", warmup);
        expected.put("weight_decay", weightDecay);
        expected.put("max_grad_norm", maxGradNorm);
        expected.put("max_length", (double) maxLength);
        expected.put("seed", (double) seed);
        expected.put("lora_rank", (double) loraRank);
        for (Map.Entry<String, Object> e : expected.entrySet()) {
            if (state.path(e.getKey()).asDouble(Double.NaN) != (double) e.getValue()) {
                throw new BadInputException(stateFile + ": " + e.getKey() + ": the run used " + state.path(e.getKey())
                        + ", this command " + e.getValue() + "; resume with the same settings");
            }
        }
        return new FullFineTuning.Start(state.path("step").asInt(), dir.resolve("optimizer.safetensors"));
    }

    /**
     * OUT/checkpoint-STEP: the base checkpoint's config and tokenizer with the trained weights, the optimizer's
     * moments and trainer_state.json (step and settings, so --resume can continue); renamed into place only when
     * complete. Older checkpoints beyond --keep are removed.
     */
    private Path writeCheckpoint(TrainableLlama llama, AdamW optimizer, int step, TraceExamples.Result data,
                                 int rows, double loss) throws IOException {
        Path target = out.resolve("checkpoint-" + step);
        Path tmp = Files.createTempDirectory(out, ".checkpoint");
        try {
            if (llama.isLora()) { // an adapter in PEFT's layout, to use with --model BASE --adapter DIR
                Files.copy(initialAdapter().resolve(LoraAdapter.CONFIG), tmp.resolve(LoraAdapter.CONFIG));
                llama.writeAdapterWeights(tmp);
            } else {
                for (String f : COPIED) {
                    if (Files.exists(model.resolve(f))) {
                        Files.copy(model.resolve(f), tmp.resolve(f));
                    }
                }
                llama.writeWeights(tmp);
            }
            Safetensors.write(tmp.resolve("optimizer.safetensors"), optimizer.state(), Map.of("format", "pt"));
            ObjectNode state = JsonNodeFactory.instance.objectNode();
            state.put("step", step).put("mode", llama.isLora() ? "lora" : "full").put("lora_rank", loraRank);
            state.put("trained_from", model.toAbsolutePath().toString());
            state.put("traces", traces.toAbsolutePath().toString());
            state.put("steps", steps).put("learning_rate", lr).put("warmup", warmup).put("weight_decay", weightDecay)
                    .put("max_grad_norm", maxGradNorm).put("max_length", maxLength).put("seed", seed);
            state.put("examples", data.examples().size()).put("dropped", data.dropped()).put("rows", rows);
            state.put("loss", loss);
            Files.writeString(tmp.resolve("trainer_state.json"), Json.pretty(state));
            deleteTree(target);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            deleteTree(tmp);
        }
        List<Path> all;
        try (var dirs = Files.list(out)) {
            all = dirs.filter(d -> d.getFileName().toString().matches("checkpoint-\\d+"))
                    .sorted(java.util.Comparator.comparingInt(
                            (Path d) -> Integer.parseInt(d.getFileName().toString().substring(11))).reversed())
                    .toList();
        }
        for (Path old : all.subList(Math.min(keep, all.size()), all.size())) {
            deleteTree(old);
        }
        return target;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var tree = Files.walk(dir)) {
            for (Path p : tree.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static String summary(TraceExamples.Result data, int rows, List<FullFineTuning.Step> done) {
        int k = Math.max(1, Math.min(10, done.size() / 2));
        double first = done.subList(0, k).stream().mapToDouble(FullFineTuning.Step::loss).average().orElse(0);
        double last = done.subList(done.size() - k, done.size()).stream().mapToDouble(FullFineTuning.Step::loss)
                .average().orElse(0);
        double seconds = done.stream().mapToDouble(FullFineTuning.Step::seconds).sum();
        long tokens = done.stream().mapToLong(FullFineTuning.Step::tokens).sum();
        return new Table("examples", "rows", "steps", "loss first " + k, "loss last " + k, "tokens/s",
                "seconds").row(data.examples().size(), rows, done.size(), first, last,
                String.format(Locale.ROOT, "%.0f", tokens / seconds), String.format(Locale.ROOT, "%.1f", seconds))
                .render();
    }
}
