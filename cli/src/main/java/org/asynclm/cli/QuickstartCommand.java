package org.asynclm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.asynclm.datagen.LatencyDataset;
import org.asynclm.eval.report.LatencyReport;
import org.asynclm.runtime.ArgumentValues;
import org.asynclm.runtime.BadInputException;
import org.asynclm.runtime.CostModel;
import org.asynclm.runtime.Method;
import org.asynclm.runtime.config.ConfigOverride;
import org.asynclm.runtime.scenario.LatencyDistribution;
import org.asynclm.runtime.scenario.Scenario;
import org.asynclm.runtime.stop.StopSignals;
import org.asynclm.runtime.teacher.PolicyName;
import org.asynclm.runtime.tokens.ByteTokenizer;
import org.asynclm.training.bench.TrainBenchmark;
import org.asynclm.training.config.TrainConfig;
import org.asynclm.training.run.RunDirectory;
import org.asynclm.training.run.TrainingCheckpoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "quickstart", mixinStandardHelpOptions = true,
        description = {"Runs the whole pipeline on the embedded defaults (CPU, no downloads) and prints where the "
                + "report is: learns a tokenizer from the task's text (tokenizer train), makes the tiny Llama with it "
                + "(init-model), writes synthetic traces (datagen), trains it (configs/train/tiny-cpu.yaml: 12,000 "
                + "steps: measured 14 to 35 minutes on 2-core machines, README), checks what it learned on 200 "
                + "held-out tasks (eval synthetic, with values as written and with --values copied), and runs the "
                + "latency experiment with the teacher engine on synthetic parallel and multi-step-parallel tasks "
                + "(and BFCL with --bfcl-dir). Each stage prints the command it stands for.",
                "A second run reuses what is already there unless --force."},
        footer = {"", "Examples:", "  bin/asynclm quickstart", "  bin/asynclm quickstart --fast --out runs/qs",
                "  bin/asynclm quickstart --minutes 15 --out runs/qs-long"})
final class QuickstartCommand implements Callable<Integer> {
    /** Training traces: more than the budget's steps can use once, since they cost seconds to make. */
    static final int TRACES = 24000;

    /** The paper's measured time to first token of GPT-4o, charged to every new request in the cloud deployment. */
    static final double PAPER_TTFT_MS = 310;

    @Spec
    CommandSpec spec;

    @Option(names = "--out", defaultValue = "runs/quickstart", paramLabel = "DIR",
            description = "Where everything is written (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--minutes", paramLabel = "M",
            description = "Training budget instead of the config's 12,000 steps (at most 15 minutes on 2 cores): the "
                    + "step count is fitted to it from the measured step time.")
    Double minutes;

    @Option(names = "--fast", description = "A few training steps and small evaluations, for CI (about 2 minutes).")
    boolean fast;

    @Option(names = "--force", description = "Redo every stage even if its output exists.")
    boolean force;

    @Option(names = "--seed", defaultValue = "0", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--bfcl-dir", paramLabel = "DIR",
            description = "Also run the latency experiment on BFCL's parallel and multi-step-parallel tasks.")
    Path bfclDir;

    private PrintWriter o;

    @Override
    public Integer call() throws IOException, BadInputException {
        if (minutes != null && !(minutes > 0)) {
            throw new BadInputException("--minutes must be positive");
        }
        o = spec.commandLine().getOut();
        Files.createDirectories(out);
        Path model = out.resolve("tiny-model");
        Path tokenizerTraces = out.resolve("tokenizer-traces.jsonl");
        Path tokenizer = out.resolve("tokenizer.json");
        Path traces = out.resolve("synthetic.jsonl");
        Path trainDir = out.resolve("train");
        Path learning = out.resolve("learning.json");
        Path learningCopied = out.resolve("learning-copied.json");
        String datagenConfig = shipped("configs/datagen/synthetic.yaml");
        String trainConfig = shipped("configs/train/tiny-cpu.yaml");

        // A tokenizer learned from the task's own text first: the model reads each task in about a third of the
        // byte-level tokens, so the same minutes of training see three times the examples.
        stage("tokenizer traces", Files.exists(tokenizerTraces), tokenizerTraces, "datagen", "--config",
                datagenConfig, "--n", fast ? "200" : "1000", "--seed", String.valueOf(seed), "--out",
                tokenizerTraces.toString());
        stage("tokenizer", Files.exists(tokenizer), tokenizer, "tokenizer", "train", "--traces",
                tokenizerTraces.toString(), "--vocab-size", "1024", "--digits", "pairs", "--out", tokenizer.toString(),
                "--force");
        stage("model", Files.exists(model.resolve("model.safetensors")), model, "init-model", "--preset", "tiny",
                "--tokenizer", tokenizer.toString(), "--out", model.toString(), "--seed", String.valueOf(seed),
                "--force");
        stage("traces", Files.exists(traces), traces, "datagen", "--config", datagenConfig, "--n",
                fast ? "300" : String.valueOf(TRACES), "--seed", String.valueOf(seed), "--tokenizer",
                model.resolve("tokenizer.json").toString(), "--out", traces.toString());
        List<String> data = List.of("--model", model.toString(), "--traces", traces.toString());
        Path checkpoint = finishedCheckpoint(trainDir);
        boolean trained = checkpoint == null || force;
        if (trained) {
            // --force: an earlier, shorter run's checkpoints must not be taken for this one
            List<String> train = new ArrayList<>(List.of("train", "--config", trainConfig, "--out",
                    trainDir.toString(), "--force"));
            if (fast || minutes != null) {
                int steps = fast ? 30 : stepsFor(trainConfig, model, traces);
                train.addAll(List.of("--max-steps", String.valueOf(steps)));
                if (!fast) { // the copy stage keeps its share of a fitted run, or the run would be copy steps alone
                    TrainConfig shipped = TrainConfig.load(Path.of(trainConfig), List.of());
                    long copySteps = (long) shipped.copySteps() * steps / Math.max(1, shipped.steps());
                    train.addAll(List.of("--set", "copy_steps=" + copySteps));
                }
            }
            train.addAll(data);
            if (fast) {
                train.addAll(List.of("--set", "eval_every=10", "--set", "save_every=0", "--set",
                        "copy_steps=10", "--set", "task_eval.n=2"));
            } else if (minutes != null) {
                train.addAll(List.of("--set", "save_every=0")); // the fitted run's checkpoints: its end
            }
            stage("train", false, trainDir, train.toArray(String[]::new));
            checkpoint = finishedCheckpoint(trainDir);
        } else {
            o.println("train: reusing " + checkpoint + " (--force to redo)");
        }
        // The same tasks twice: values as the model writes them, and copied from the request and the results
        learning("learning", learning, ArgumentValues.FREE, checkpoint, datagenConfig, trained);
        learning("learning, copied values", learningCopied, ArgumentValues.COPIED, checkpoint, datagenConfig, trained);
        Path latencyDir = out.resolve("latency");
        latency(latencyDir);
        Path index = out.resolve("index.html");
        QuickstartPage.write(index, trainDir, checkpoint, learning, learningCopied, latencyDir);
        o.println();
        o.println("report: " + index.toAbsolutePath());
        return 0;
    }

    /** The held-out tasks' stage: eval synthetic on the trained checkpoint, redone whenever training was. */
    private void learning(String name, Path file, ArgumentValues values, Path checkpoint, String datagenConfig,
                          boolean trained) throws BadInputException {
        stage(name, Files.exists(file) && !trained, file, "eval", "synthetic", "--model", checkpoint.toString(),
                "--config", datagenConfig, "--n", fast ? "10" : "200", "--seed", String.valueOf(seed + 1),
                "--values", values.id(), "--out", file.toString());
    }

    /** Runs one stage as the command it stands for, unless its output exists; a failed stage ends the quickstart. */
    private void stage(String name, boolean done, Path output, String... args) throws BadInputException {
        if (done && !force) {
            o.println(name + ": reusing " + output + " (--force to redo)");
            return;
        }
        o.println();
        o.println("== " + name + ": bin/asynclm " + String.join(" ", args));
        o.flush();
        int code = Main.run(args, o, spec.commandLine().getErr());
        if (code != 0) {
            StopSignals.check(); // a stage stopped by a signal stops the quickstart with the signal's exit code
            throw new BadInputException("quickstart: stage " + name + " failed (exit " + code + ")");
        }
    }

    /**
     * How many steps of the config fit in --minutes: the time per token of a few measured steps times the mean
     * tokens of a step over all the rows (the first few rows alone can be much shorter than the average).
     */
    private int stepsFor(String trainConfig, Path model, Path traces) throws BadInputException, IOException {
        o.println();
        o.println("== timing training steps (bench train --config " + trainConfig + " --steps 10 --warmup-steps 2)");
        o.flush();
        List<ConfigOverride> overrides = List.of(ConfigOverride.of("--model", "base_model", model),
                ConfigOverride.of("--traces", "train_data", traces));
        TrainBenchmark.Result bench;
        try (Progress p = new Progress("bench train", 12)) {
            bench = TrainBenchmark.run(TrainConfig.loadWith(Path.of(trainConfig), overrides), 2, 10, p);
        }
        double stepSeconds = bench.secondsPerToken() * bench.meanRowTokens();
        int steps = (int) Math.max(20, Math.floor(minutes * 60 / stepSeconds));
        o.printf(Locale.ROOT, "about %.2f s a step: %d steps in %.1f minutes%n", stepSeconds, steps, minutes);
        return steps;
    }

    /** The checkpoint of a train run that reached its last step, or null. */
    static Path finishedCheckpoint(Path trainDir) {
        return RunDirectory.finished(trainDir).map(TrainingCheckpoint::dir).orElse(null);
    }

    private void latency(Path latencyDir) throws IOException, BadInputException {
        Path report = latencyDir.resolve("report.json");
        if (!force && Files.exists(report) && (bfclDir == null || Files.readString(report).contains("\"multi-step-parallel\""))) {
            o.println("latency: reusing " + report + " (--force to redo)");
            o.print(reusedSummary(report));
            return;
        }
        o.println();
        o.println("== latency: Sync, Sync-Parallel, Async-Naive and Async with the teacher engine (eval latency)");
        int n = fast ? 50 : 200;
        List<Method> methods = List.of(Method.SYNC, Method.SYNC_PARALLEL, Method.ASYNC_NAIVE, Method.ASYNC);
        CostModel local = new CostModel(CostModel.msToNanos(5), CostModel.msToNanos(0.05),
                CostModel.Deployment.LOCAL, 0);
        CostModel cloud = new CostModel(CostModel.msToNanos(5), 0, CostModel.Deployment.CLOUD,
                CostModel.msToNanos(PAPER_TTFT_MS));
        List<LatencyReport.Entry> entries = new ArrayList<>();
        List<LatencyDataset> datasets = new ArrayList<>(List.of(LatencyDataset.SYNTHETIC_PARALLEL,
                LatencyDataset.SYNTHETIC_MULTI_STEP_PARALLEL));
        if (bfclDir != null) {
            datasets.addAll(List.of(LatencyDataset.PARALLEL, LatencyDataset.MULTI_STEP_PARALLEL));
        }
        for (LatencyDataset d : datasets) {
            List<Scenario> scenarios = EvalCommand.scenarios(d, bfclDir, n, seed,
                    LatencyDistribution.PAPER_EVAL_TOOLS, null);
            for (CostModel cost : List.of(local, cloud)) {
                entries.add(EvalCommand.run(d.id(), scenarios, new ByteTokenizer(), "byte", seed, cost,
                        LatencyDistribution.PAPER_EVAL_TOOLS, PolicyName.LPT, methods));
            }
        }
        EvalCommand.write(latencyDir, entries);
        o.print(EvalCommand.summary(entries));
    }

    private static String shipped(String relative) throws BadInputException {
        return Shipped.find(relative).orElseThrow(() -> new BadInputException("quickstart: " + relative
                + " not found (run it from the asynclm directory, or through bin/asynclm)")).toString();
    }

    private static String reusedSummary(Path report) throws IOException {
        JsonNode root = Json.MAPPER.readTree(report.toFile());
        Table t = new Table("dataset", "deployment", "method", "mean ms", "speedup", "paper");
        for (JsonNode x : root.get("experiments")) {
            x.get("methods").fields().forEachRemaining(m -> t.row(x.get("dataset").asText(),
                    x.at("/settings/deployment").asText(), m.getKey(), m.getValue().get("mean_ms").asDouble(),
                    String.format("%.2fx", m.getValue().get("speedup_vs_sync").asDouble()),
                    m.getValue().has("paper_speedup_vs_sync") ? m.getValue().get("paper_speedup_vs_sync").asText() + "x" : ""));
        }
        return t.render();
    }
}
