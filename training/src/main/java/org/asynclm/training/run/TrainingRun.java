package org.asynclm.training.run;

import ai.djl.Device;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.asynclm.model.llama.LlamaConfig;
import org.asynclm.model.llama.TrainableLlama;
import org.asynclm.model.lora.LoraAdapter;
import org.asynclm.model.safetensors.Safetensors;
import org.asynclm.model.safetensors.WeightFiles;
import org.asynclm.runtime.BadInputException;
import org.asynclm.runtime.tokens.HfTokenizer;
import org.asynclm.runtime.tokens.Tokenizer;
import org.asynclm.training.config.TrainConfig;
import org.asynclm.training.data.Packing;
import org.asynclm.training.data.RecallRows;
import org.asynclm.training.data.TrainingSet;
import org.asynclm.training.optim.AdamW;
import org.asynclm.training.sft.Trainer;

/**
 * One training run, fresh or resumed, from its config to its last checkpoint. {@link #prepare} checks everything
 * (the config, the base model, the traces, the checkpoint to resume and whether its settings and inputs still hold)
 * and writes nothing; {@link #run} then opens the {@link RunDirectory}, trains, logs every step and writes the
 * checkpoints. A signal ({@link org.asynclm.runtime.stop.StoppedException}) or a divergence
 * ({@link Trainer.DivergedException}) ends it between steps, with {@link #lastCheckpoint} still whole.
 */
public final class TrainingRun {

    /** What the caller does at each step and checkpoint, beside what the run writes. */
    public interface Observer {
        default void started(int step, int total) {
        }

        default void step(Trainer.Step s) {
        }

        /** Measures a checkpoint just written (held-out tasks, say); the rates go into its step's metrics line. */
        default Map<String, Double> measure(TrainingCheckpoint checkpoint) {
            return Map.of();
        }
    }

    /** The run's directory, its data, the steps this invocation took and its last checkpoint. */
    public record Result(Path dir, TrainingSet data, List<Trainer.Step> steps, TrainingCheckpoint last) {
    }

    private final TrainConfig config;
    private final Path out;
    private final boolean force;
    private final TrainingCheckpoint from;
    private final Provenance provenance;
    private final TrainingSet data;
    private final int total;
    private final LoraAdapter.TokenRows tokenRows;
    private final List<Packing.Row> recall;
    private TrainingCheckpoint last;

    private TrainingRun(TrainConfig config, Path out, boolean force, TrainingCheckpoint from, Provenance provenance,
                        TrainingSet data, LoraAdapter.TokenRows tokenRows, List<Packing.Row> recall) {
        this.config = config;
        this.out = out;
        this.force = force;
        this.from = from;
        this.provenance = provenance;
        this.data = data;
        this.total = config.totalSteps(data.rows().size());
        this.tokenRows = tokenRows;
        this.recall = recall;
        this.last = from;
    }

    /**
     * A new run into {@code out} ({@code force}: over an earlier run there), or with {@code resume} the continuation
     * of that checkpoint's run ({@code out} null or that run's directory). Reads and checks; writes nothing.
     */
    public static TrainingRun prepare(TrainConfig c, Path out, Path resume, boolean force)
            throws BadInputException, IOException {
        if (resume != null && force) {
            throw new BadInputException("--force starts a run over and --resume continues one: give one of them");
        }
        if (resume == null && out == null) {
            throw new IllegalArgumentException("a fresh run needs its directory");
        }
        c.device().requireAvailable();
        Path base = Path.of(c.baseModel());
        Tokenizer tokenizer = HfTokenizer.load(base.resolve("tokenizer.json"));
        WeightFiles.open(base); // the base's weights are whole (their headers and sizes), before anything is written
        TrainingCheckpoint from = resume == null ? null : TrainingCheckpoint.open(resume);
        Path trainData = Path.of(c.trainData());
        if (!Files.isRegularFile(trainData)) {
            throw new BadInputException("train_data: " + trainData + ": no such file");
        }
        Provenance inputs = Provenance.of(trainData, base);
        if (from != null) {
            from.state().requireResumableWith(c, inputs, resume.resolve(TrainerState.FILE));
        }
        TrainingSet data = TrainingSet.load(c, tokenizer);
        TrainingRun run = new TrainingRun(c, out, force, from,
                from != null && from.state().provenance() != null ? from.state().provenance() : inputs, data,
                c.isLora() && from == null ? tokenRows(c, base, tokenizer) : null, recallRows(c, tokenizer));
        if (from != null && from.step() >= run.total) {
            throw new BadInputException("--resume " + resume + ": already at step " + from.step() + " of " + run.total);
        }
        return run;
    }

    public int totalSteps() {
        return total;
    }

    public TrainingSet data() {
        return data;
    }

    /** The newest whole checkpoint of this run so far: the resumed one until a new one is written; may be null. */
    public TrainingCheckpoint lastCheckpoint() {
        return last;
    }

    /** Trains to the last step. */
    public Result run(Observer observer) throws BadInputException, IOException {
        Path base = Path.of(config.baseModel());
        Trainer.Start start = from == null ? Trainer.Start.FRESH
                : new Trainer.Start(from.step(), from.dir().resolve(TrainingCheckpoint.OPTIMIZER));
        Trainer.Settings settings = new Trainer.Settings(total, config.learningRate(), config.warmup(),
                config.weightDecay(), config.maxGradNorm(), config.seed(), config.saveEvery(),
                config.gradientAccumulation(), config.evalEvery(), config.isLora() ? config.lora().dropout() : 0,
                config.everyTokenSteps(), config.recallSteps(), config.copySteps(), config.valueWeight(),
                config.memory(), config.lrCycles());
        List<Trainer.Step> done = new ArrayList<>();
        try (RunDirectory dir = from != null ? RunDirectory.resume(from, out) : RunDirectory.fresh(out, force);
             TrainableLlama llama = open(config, from == null ? null : from.dir(), dir.initialAdapter(), tokenRows)) {
            observer.started(start.step(), total);
            Path adapterConfig = (from != null ? from.dir() : dir.initialAdapter()).resolve(LoraAdapter.CONFIG);
            Trainer.run(llama, recall, data.copyRows(), data.rows(), data.evalRows(), settings, start, s -> {
                done.add(s);
                try {
                    dir.metrics().append(s);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                observer.step(s);
            }, (step, loss, optimizer) -> {
                last = dir.save(TrainerState.after(step, total, loss, config, data, provenance),
                        into -> writeContents(llama, optimizer, base, adapterConfig, into), config.keep());
                dir.metrics().amendLast(observer.measure(last));
            });
            return new Result(dir.dir(), data, done, last);
        }
    }

    /**
     * The model to train: the base (or the checkpoint {@code resumed}) for full fine-tuning; for LoRA the frozen base
     * with the resumed adapter, or a new one written to {@code newAdapter}, initialised as PEFT does from the seed.
     */
    public static TrainableLlama open(TrainConfig c, Path resumed, Path newAdapter, LoraAdapter.TokenRows tokenRows)
            throws BadInputException, IOException {
        Device device = c.device().djl();
        Path base = Path.of(c.baseModel());
        if (!c.isLora()) {
            return TrainableLlama.load(resumed == null ? base : resumed, device);
        }
        if (resumed == null) {
            LlamaConfig model = LlamaConfig.read(base.resolve("config.json"));
            LoraAdapter.init(newAdapter, model, c.lora().rank(), c.lora().alpha(), c.lora().dropout(),
                    c.lora().targets(), c.seed(), tokenRows);
        }
        return TrainableLlama.withAdapter(base, resumed == null ? newAdapter : resumed, c.lora().basePrecision(),
                device);
    }

    /**
     * A checkpoint's own files: the base's config and tokenizer with the trained weights, or the adapter in PEFT's
     * layout (to use with --model BASE --adapter DIR); then the optimizer's moments.
     */
    private static void writeContents(TrainableLlama llama, AdamW optimizer, Path base, Path adapterConfig, Path dir)
            throws IOException {
        if (llama.isLora()) {
            Files.copy(adapterConfig, dir.resolve(LoraAdapter.CONFIG));
            llama.writeAdapterWeights(dir);
        } else {
            TrainingCheckpoint.copyModelFiles(base, dir);
            llama.writeWeights(dir);
        }
        Safetensors.write(dir.resolve(TrainingCheckpoint.OPTIMIZER), optimizer.state(), Map.of("format", "pt"));
    }

    /**
     * The copy rows of recall_steps, over the tokenizer's ordinary tokens (those below its first special token), with
     * [HEAD] between a span and its repeat; none when recall_steps is 0.
     */
    private static List<Packing.Row> recallRows(TrainConfig c, Tokenizer tok) {
        if (c.recallSteps() == 0) {
            return List.of();
        }
        int separator = tok.encode("[HEAD]")[0];
        int ordinary = Math.min(separator, tok.encode("<|begin_of_text|>")[0]);
        return RecallRows.make(Math.min(c.recallSteps() * c.gradientAccumulation(), 4096),
                c.maxLength(), ordinary, separator, c.seed());
    }

    /**
     * The embedding rows of lora.trainable_tokens at their starting values: the mean of every row (a base model has
     * never trained tokens such as Llama 3's reserved ones) or the base's own; null when there are none.
     */
    public static LoraAdapter.TokenRows tokenRows(TrainConfig c, Path base, Tokenizer tok) throws BadInputException {
        List<String> tokens = c.lora().trainableTokens();
        if (tokens.isEmpty()) {
            return null;
        }
        LlamaConfig model = LlamaConfig.read(base.resolve("config.json"));
        int h = model.hiddenSize();
        int[] ids = new int[tokens.size()];
        for (int k = 0; k < ids.length; k++) {
            int[] one = tok.encode(tokens.get(k));
            if (one.length != 1) {
                throw new BadInputException("lora.trainable_tokens: '" + tokens.get(k) + "' is " + one.length
                        + " tokens in " + base.resolve("tokenizer.json") + ", not one");
            }
            ids[k] = one[0];
        }
        float[] embedding = WeightFiles.open(base).floats("model.embed_tokens.weight", model.vocabSize(), h);
        float[] mean = new float[h];
        for (int v = 0; v < model.vocabSize(); v++) {
            for (int j = 0; j < h; j++) {
                mean[j] += embedding[v * h + j] / model.vocabSize();
            }
        }
        boolean copy = c.lora().tokenInit() == TrainConfig.TokenInit.COPY;
        float[] values = new float[ids.length * h];
        for (int k = 0; k < ids.length; k++) {
            System.arraycopy(copy ? embedding : mean, copy ? ids[k] * h : 0, values, k * h, h);
        }
        return new LoraAdapter.TokenRows(ids, values);
    }
}
