package org.asynclm.cli;

import ai.djl.Device;
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
import java.util.Locale;
import java.util.concurrent.Callable;
import org.asynclm.model.llama.TrainableLlama;
import org.asynclm.runtime.BadInputException;
import org.asynclm.training.data.Packing;
import org.asynclm.training.data.TraceExamples;
import org.asynclm.training.sft.FullFineTuning;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Full fine-tuning of a checkpoint on native traces (CPU, fp32): every weight trains, the loss "
                + "is taken on what the model writes (see train-data), one packed row per step, AdamW with "
                + "warm-up and cosine decay, gradients clipped to a global norm.",
                "Writes OUT/metrics.jsonl (one line per step) and OUT/checkpoint, a checkpoint in the Hugging Face "
                        + "layout that model score, generate and eval take as --model."},
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

    @Override
    public Integer call() throws BadInputException, IOException {
        if (steps < 1 || !(lr > 0) || !(warmup >= 0 && warmup < 1) || maxLength < 2) {
            throw new BadInputException("--steps must be at least 1, --lr positive, --warmup in [0, 1), "
                    + "--max-length at least 2");
        }
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
                seed);
        ObjectMapper json = new ObjectMapper();
        try (TrainableLlama llama = TrainableLlama.load(model, Device.cpu());
             BufferedWriter metrics = Files.newBufferedWriter(out.resolve("metrics.jsonl"), StandardCharsets.UTF_8);
             Progress progress = new Progress("train", steps)) {
            FullFineTuning.run(llama, rows, settings, s -> {
                done.add(s);
                try {
                    metrics.write(json.writeValueAsString(metricLine(s)));
                    metrics.write('\n');
                    metrics.flush();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                progress.accept(s.step());
            });
            writeCheckpoint(llama, data, rows.size(), done.get(done.size() - 1).loss());
        } catch (FullFineTuning.DivergedException e) {
            spec.commandLine().getErr().println("asynclm: " + e.getMessage());
            return 1;
        }
        o.print(summary(data, rows.size(), done));
        o.println("checkpoint: " + out.resolve("checkpoint"));
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

    /** The base checkpoint's config and tokenizer with the trained weights, renamed into place when complete. */
    private void writeCheckpoint(TrainableLlama llama, TraceExamples.Result data, int rows, double finalLoss)
            throws IOException {
        Path target = out.resolve("checkpoint");
        Path tmp = Files.createTempDirectory(out, ".checkpoint");
        try {
            for (String f : COPIED) {
                if (Files.exists(model.resolve(f))) {
                    Files.copy(model.resolve(f), tmp.resolve(f));
                }
            }
            llama.writeWeights(tmp);
            ObjectNode prov = JsonNodeFactory.instance.objectNode();
            prov.put("trained_from", model.toAbsolutePath().toString());
            prov.put("traces", traces.toAbsolutePath().toString());
            prov.put("mode", "full");
            prov.put("steps", steps).put("learning_rate", lr).put("warmup", warmup).put("weight_decay", weightDecay)
                    .put("max_grad_norm", maxGradNorm).put("max_length", maxLength).put("seed", seed);
            prov.put("examples", data.examples().size()).put("dropped", data.dropped()).put("rows", rows);
            prov.put("final_loss", finalLoss);
            Files.writeString(tmp.resolve("asynclm.json"), Json.pretty(prov));
            if (Files.exists(target)) {
                try (var old = Files.walk(target)) {
                    for (Path p : old.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            if (Files.exists(tmp)) {
                try (var left = Files.walk(tmp)) {
                    for (Path p : left.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
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
