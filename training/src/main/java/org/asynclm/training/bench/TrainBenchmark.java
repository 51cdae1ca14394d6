package org.asynclm.training.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntConsumer;
import org.asynclm.model.llama.TrainableLlama;
import org.asynclm.runtime.BadInputException;
import org.asynclm.runtime.files.AtomicFiles;
import org.asynclm.runtime.tokens.HfTokenizer;
import org.asynclm.runtime.tokens.Tokenizer;
import org.asynclm.training.config.TrainConfig;
import org.asynclm.training.data.Packing;
import org.asynclm.training.data.TrainingSet;
import org.asynclm.training.run.TrainingRun;
import org.asynclm.training.sft.Trainer;

/**
 * The speed of a train config's steps on its own data: {@code warmup} steps unmeasured, then {@code steps} measured;
 * nothing is written but the profile when one is asked for (a LoRA run's initial adapter goes to a scratch folder
 * that is removed).
 */
public final class TrainBenchmark {

    /** The measured steps: their tokens and seconds, and the mean length of the data's rows. */
    public record Result(int steps, long tokens, double seconds, double medianStepSeconds, double meanRowTokens) {
        public double secondsPerToken() {
            return seconds / tokens;
        }

        public long tokensPerSecond() {
            return Math.round(tokens / seconds);
        }
    }

    private TrainBenchmark() {
    }

    public static Result run(TrainConfig c, int warmup, int steps, IntConsumer progress)
            throws BadInputException, IOException {
        return run(c, warmup, steps, null, progress);
    }

    /** As {@link #run(TrainConfig, int, int, IntConsumer)}, with libtorch's profile of the measured steps in a file. */
    public static Result run(TrainConfig c, int warmup, int steps, Path profile, IntConsumer progress)
            throws BadInputException, IOException {
        if (steps < 1 || warmup < 0) {
            throw new BadInputException("--steps must be at least 1, --warmup-steps at least 0");
        }
        TorchProfile profiler = profile == null ? null : TorchProfile.checked(profile);
        Path base = Path.of(c.baseModel());
        Tokenizer tokenizer = HfTokenizer.load(base.resolve("tokenizer.json"));
        TrainingSet data = TrainingSet.load(c, tokenizer);
        int total = warmup + steps;
        Trainer.Settings settings = new Trainer.Settings(total, c.learningRate(), c.warmup(), c.weightDecay(),
                c.maxGradNorm(), c.seed(), 0, c.gradientAccumulation(), 0, c.isLora() ? c.lora().dropout() : 0, 0, 0, 0,
                c.memory());
        List<Trainer.Step> done = new ArrayList<>();
        Path scratch = Files.createTempDirectory("asynclm-bench-train");
        try (TrainableLlama llama = TrainingRun.open(c, null, scratch.resolve("adapter"),
                c.isLora() ? TrainingRun.tokenRows(c, base, tokenizer) : null)) {
            if (profiler != null && warmup == 0) {
                profiler.start();
            }
            Trainer.run(llama, data.rows(), List.of(), settings, Trainer.Start.FRESH, s -> {
                done.add(s);
                progress.accept(s.step());
                if (profiler != null && done.size() == warmup) {
                    profiler.start(); // after the warm-up steps, so the trace holds the measured steps only
                }
            }, (step, loss, optimizer) -> { });
            if (profiler != null) {
                profiler.stop();
            }
        } finally {
            AtomicFiles.removeTree(scratch);
        }
        List<Trainer.Step> measured = done.subList(warmup, done.size());
        double[] seconds = measured.stream().mapToDouble(Trainer.Step::seconds).sorted().toArray();
        long tokens = measured.stream().mapToLong(Trainer.Step::tokens).sum();
        return new Result(steps, tokens, Arrays.stream(seconds).sum(), seconds[seconds.length / 2],
                data.rows().stream().mapToInt(Packing.Row::length).average().orElse(0));
    }
}
