package org.asynclm.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.asynclm.runtime.BadInputException;
import org.asynclm.runtime.config.ConfigOverride;
import org.asynclm.runtime.stop.StopSignals;
import org.asynclm.runtime.stop.StoppedException;
import org.asynclm.training.config.TrainConfig;
import org.asynclm.training.data.TrainingSet;
import org.asynclm.training.run.RunDirectory;
import org.asynclm.training.run.TrainingCheckpoint;
import org.asynclm.training.run.TrainingRun;
import org.asynclm.training.sft.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Fine-tuning of a checkpoint on native traces: every weight (method full) or a LoRA adapter on "
                + "a frozen base (method lora). The loss is taken on what the model writes (see train-data); packed "
                + "rows, gradient accumulation, AdamW with warm-up and cosine decay, gradients clipped to a global "
                + "norm, held-out loss every eval_every steps.",
                "Settings: the built-in defaults (--print-defaults), then --config, then --set and the shortcut "
                        + "options. Writes OUT/metrics.jsonl (one line per step), OUT/loss.png and OUT/checkpoint-STEP "
                        + "directories (every save_every steps and at the end, the last `keep` kept): the Hugging Face "
                        + "layout (or a PEFT adapter) that model score, generate, eval and export take, plus the "
                        + "optimizer state and step, so --resume continues the very same run.",
                "OUT must be new or empty: an earlier run there is continued with --resume, or started over with "
                        + "--force. One run writes to OUT at a time. Ctrl-C or SIGTERM stops after the current step "
                        + "(exit 130 or 143), leaving the last checkpoint to resume from."},
        footer = {"", "Examples:", "  bin/asynclm train --config configs/train/tiny-cpu.yaml --out runs/train",
                "  bin/asynclm train --config configs/train/tiny-lora-cpu.yaml --set lora.rank=4 --max-steps 50",
                "  bin/asynclm train --model runs/tiny-model --traces runs/traces.jsonl --out runs/train --steps 200",
                "  bin/asynclm train --config configs/train/tiny-cpu.yaml --resume runs/train-tiny-cpu/checkpoint-3000"})
final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "A train config (configs/train/*.yaml).")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "ConfigOverride a config key, e.g. --set lora.rank=4.")
    List<String> sets = new ArrayList<>();

    @Option(names = "--out", paramLabel = "DIR",
            description = "Run directory (default: runs/train-CONFIG, or runs/train; with --resume, the checkpoint's run).")
    Path out;

    @Option(names = {"--max-steps", "--steps"}, paramLabel = "N", description = "Optimiser steps (config key steps).")
    Integer steps;

    @Option(names = "--model", paramLabel = "DIR", description = "The checkpoint to start from (config key base_model).")
    Path model;

    @Option(names = "--traces", paramLabel = "FILE", description = "Native trace JSONL (config key train_data).")
    Path traces;

    @Option(names = "--lr", paramLabel = "X", description = "Peak learning rate (config key learning_rate).")
    Double lr;

    @Option(names = "--lora-rank", paramLabel = "R", description = "Train a LoRA adapter of this rank (method lora, lora.rank).")
    Integer loraRank;

    @Option(names = "--resume", paramLabel = "DIR", description = "Continue from a checkpoint of this run (OUT/checkpoint-STEP).")
    Path resume;

    @Option(names = "--force", description = "Start over in OUT, removing the checkpoints and metrics of the run there.")
    boolean force;

    @Option(names = "--print-defaults", description = "Print every config key with its default and exit.")
    boolean printDefaults;

    @Override
    public Integer call() throws BadInputException, IOException {
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (printDefaults) {
            try (var in = TrainConfig.class.getResourceAsStream(TrainConfig.DEFAULTS)) {
                o.print(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            return 0;
        }
        TrainConfig c = TrainConfig.loadWith(config, overrides());
        TrainingRun run = TrainingRun.prepare(c, resume == null ? outOrDefault() : out, resume, force);
        CheckpointTasks taskEval = c.taskEval().n() == 0 ? null
                : new CheckpointTasks(c.taskEval(), Path.of(c.baseModel()), c.isLora(), err);
        TrainingRun.Result result;
        try (StopSignals.Scope stoppable = StopSignals.cooperate();
             Progress progress = new Progress("train", run.totalSteps())) {
            result = run.run(new TrainingRun.Observer() {
                @Override
                public void started(int step, int total) {
                    progress.accept(step);
                }

                @Override
                public void step(Trainer.Step s) {
                    progress.accept(s.step());
                }

                @Override
                public Map<String, Double> measure(TrainingCheckpoint checkpoint) {
                    return taskEval == null ? Map.of() : taskEval.rates(checkpoint.dir());
                }
            });
        } catch (Trainer.DivergedException e) {
            err.println("asynclm: " + e.getMessage() + lastCheckpoint(run));
            return 1;
        } catch (StoppedException e) {
            err.println("asynclm: " + e.getMessage() + lastCheckpoint(run));
            return e.exitCode();
        }
        Path metricsFile = result.dir().resolve(RunDirectory.METRICS);
        Path chart = LossChart.write(result.dir().resolve("loss.png"), metricsFile, err);
        Path tasksChart = LossChart.writeTaskRates(result.dir().resolve("tasks.png"), metricsFile, err);
        o.print(summary(result.data(), result.steps()));
        o.println("checkpoint: " + result.last().dir());
        if (chart != null) {
            o.println("loss curve: " + chart);
        }
        if (tasksChart != null) {
            o.println("held-out task rates: " + tasksChart);
        }
        return 0;
    }

    private Path outOrDefault() {
        if (out != null) {
            return out;
        }
        return Path.of("runs", config == null ? "train"
                : "train-" + config.getFileName().toString().replaceFirst("\\.ya?ml$", ""));
    }

    private static String lastCheckpoint(TrainingRun run) {
        TrainingCheckpoint c = run.lastCheckpoint();
        return c == null ? "; no checkpoint was written"
                : "; the last checkpoint is " + c.dir() + " (continue with --resume " + c.dir() + ")";
    }

    /** The shortcut options as typed config overrides, after --set so they win. */
    private List<ConfigOverride> overrides() {
        List<ConfigOverride> all = new ArrayList<>(sets.stream().map(ConfigOverride::set).toList());
        if (model != null) {
            all.add(ConfigOverride.of("--model", "base_model", model));
        }
        if (traces != null) {
            all.add(ConfigOverride.of("--traces", "train_data", traces));
        }
        if (steps != null) {
            all.add(ConfigOverride.of("--steps", "steps", steps));
        }
        if (lr != null) {
            all.add(ConfigOverride.of("--lr", "learning_rate", lr));
        }
        if (loraRank != null) {
            all.add(ConfigOverride.of("--lora-rank", "method", TrainConfig.FineTuning.LORA.id()));
            all.add(ConfigOverride.of("--lora-rank", "lora.rank", loraRank));
        }
        return all;
    }

    private static String summary(TrainingSet data, List<Trainer.Step> done) {
        int k = Math.max(1, Math.min(10, done.size() / 2));
        double first = done.subList(0, k).stream().mapToDouble(Trainer.Step::loss).average().orElse(0);
        double last = done.subList(done.size() - k, done.size()).stream().mapToDouble(Trainer.Step::loss)
                .average().orElse(0);
        Double eval = done.get(done.size() - 1).evalLoss();
        double seconds = done.stream().mapToDouble(Trainer.Step::seconds).sum();
        long tokens = done.stream().mapToLong(Trainer.Step::tokens).sum();
        return new Table("examples", "rows", "steps", "loss first " + k, "loss last " + k, "held-out loss",
                "tokens/s", "seconds").row(data.train().examples().size(), data.rows().size(), done.size(), first,
                last, eval == null ? "-" : String.format(Locale.ROOT, "%.4f", eval),
                String.format(Locale.ROOT, "%.0f", tokens / seconds), String.format(Locale.ROOT, "%.1f", seconds))
                .render();
    }
}
