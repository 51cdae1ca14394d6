package org.asynclm.training.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;
import org.asynclm.model.llama.LlamaConfig;
import org.asynclm.model.llama.LlamaShape;
import org.asynclm.model.llama.TrainableLlama;
import org.asynclm.model.lora.LoraAdapter;
import org.asynclm.runtime.BadInputException;
import org.asynclm.runtime.files.AtomicFiles;
import org.asynclm.training.config.ComputeDevice;
import org.asynclm.training.data.Packing;
import org.asynclm.training.sft.Trainer;

/**
 * Training steps at a released model's shapes with random weights: the memory and speed questions of fine-tuning
 * Llama 3.2, measured without its weights. A step is what {@code train} does on one row of {@code tokens} random ids
 * with a sixth of them under the loss (about the share of a CML trace): forward, masked cross-entropy, backward,
 * clipping and AdamW. {@code tools/bench_train_transformers.py --shape} times transformers and PEFT on the same.
 */
public final class ShapeBenchmark {

    /**
     * {@code loraRank} 0: full fine-tuning; otherwise LoRA of that rank (alpha twice it) on all seven projections
     * with the CML markers' embedding rows trainable, as {@code configs/train/llama-3.2-1b-lora.yaml} trains, its
     * frozen projections in {@code precision}.
     */
    public record Options(LlamaShape shape, int tokens, int loraRank, TrainableLlama.BasePrecision precision,
                          TrainableLlama.Memory memory, ComputeDevice device, int warmup, int steps, long seed) {
        public Options {
            if (tokens < 2 || loraRank < 0 || warmup < 0 || steps < 1) {
                throw new IllegalArgumentException("tokens >= 2, lora rank >= 0, warm-up >= 0, steps >= 1");
            }
        }
    }

    /** The measured steps: median seconds, and the trained parameters. */
    public record Result(int steps, int tokens, double medianStepSeconds, long trainedParameters) {
        public long tokensPerSecond() {
            return Math.round(tokens / medianStepSeconds);
        }
    }

    private ShapeBenchmark() {
    }

    public static Result run(Options o, IntConsumer progress) throws BadInputException, IOException {
        o.device().requireAvailable();
        LlamaConfig c = o.shape().config();
        Path scratch = Files.createTempDirectory("asynclm-bench-shape");
        List<Trainer.Step> done = new ArrayList<>();
        long trained;
        try {
            Path adapter = null;
            if (o.loraRank() > 0) {
                adapter = scratch.resolve("adapter");
                int[] rows = LlamaShape.MARKER_ROWS;
                LoraAdapter.init(adapter, c, o.loraRank(), 2.0 * o.loraRank(), 0, LoraAdapter.PROJECTIONS, o.seed(),
                        new LoraAdapter.TokenRows(rows, new float[rows.length * c.hiddenSize()]));
            }
            Trainer.Settings settings = new Trainer.Settings(o.warmup() + o.steps(), 1e-4, 0, 0.01, 1.0, o.seed(), 0,
                    1, 0, 0, 0, 0, 0, o.memory());
            try (TrainableLlama llama = TrainableLlama.random(c, o.seed(), adapter, o.precision(),
                    o.device().djl())) {
                trained = llama.parameters().values().stream().mapToLong(p -> p.getShape().size()).sum();
                Trainer.run(llama, List.of(row(o.tokens(), c.vocabSize(), o.seed())), List.of(), settings,
                        Trainer.Start.FRESH, s -> {
                            done.add(s);
                            progress.accept(s.step());
                        }, (step, loss, optimizer) -> { });
            }
        } finally {
            AtomicFiles.removeTree(scratch);
        }
        double[] seconds = done.subList(o.warmup(), done.size()).stream().mapToDouble(Trainer.Step::seconds).sorted()
                .toArray();
        return new Result(o.steps(), o.tokens(), seconds[seconds.length / 2], trained);
    }

    /** One example of random ids, about a sixth of its positions under the loss. */
    static Packing.Row row(int tokens, int vocab, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int[] ids = new int[tokens];
        boolean[] trained = new boolean[tokens];
        for (int i = 0; i < tokens; i++) {
            ids[i] = rng.nextInt(vocab);
            trained[i] = rng.nextInt(6) == 0;
        }
        return new Packing.Row(ids, trained, new int[tokens]);
    }
}
