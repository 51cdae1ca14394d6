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
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.asynclm.model.llama.LlamaConfig;
import org.asynclm.model.llama.TrainableLlama;
import org.asynclm.model.lora.LoraAdapter;
import org.asynclm.model.safetensors.Safetensors;
import org.asynclm.runtime.BadInputException;
import org.asynclm.runtime.tokens.Tokenizer;
import org.asynclm.training.config.TrainConfig;
import org.asynclm.training.data.Packing;
import org.asynclm.training.data.RecallRows;
import org.asynclm.training.data.TrainingSet;
import org.asynclm.training.optim.AdamW;
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
                        + "optimizer state and step, so --resume continues the very same run."},
        footer = {"", "Examples:", "  bin/asynclm train --config configs/train/tiny-cpu.yaml --out runs/train",
                "  bin/asynclm train --config configs/train/tiny-lora-cpu.yaml --set lora.rank=4 --max-steps 50",
                "  bin/asynclm train --model runs/tiny-model --traces runs/traces.jsonl --out runs/train --steps 200"})
final class TrainCommand implements Callable<Integer> {
    private static final List<String> COPIED = List.of("config.json", "generation_config.json", "tokenizer.json",
            "tokenizer_config.json");
    /** Keys a resumed run may change: they decide what is written, not what is learned. */
    private static final java.util.Set<String> MAY_CHANGE = java.util.Set.of("save_every", "keep", "eval_every",
            "eval_rows", "device", "task_eval");

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "A train config (configs/train/*.yaml).")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a config key, e.g. --set lora.rank=4.")
    List<String> sets = new ArrayList<>();

    @Option(names = "--out", paramLabel = "DIR", description = "Run directory (default: runs/train-CONFIG, or runs/train).")
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

    @Option(names = "--print-defaults", description = "Print every config key with its default and exit.")
    boolean printDefaults;

    private TrainConfig c;
    private Path base;

    @Override
    public Integer call() throws BadInputException, IOException {
        PrintWriter o = spec.commandLine().getOut();
        if (printDefaults) {
            try (var in = TrainConfig.class.getResourceAsStream(TrainConfig.DEFAULTS)) {
                o.print(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            return 0;
        }
        c = TrainConfig.load(config, overrides());
        base = Path.of(c.baseModel());
        if (out == null) {
            out = Path.of("runs", config == null ? "train"
                    : "train-" + config.getFileName().toString().replaceFirst("\\.ya?ml$", ""));
        }
        Trainer.Start start = resume == null ? Trainer.Start.FRESH : resumeFrom(resume);
        TrainingSet data = TrainingSet.load(c, ModelCommand.tokenizer(base));
        int total = c.totalSteps(data.rows().size());
        Files.createDirectories(out);
        List<Trainer.Step> done = new ArrayList<>();
        Trainer.Settings settings = new Trainer.Settings(total, c.learningRate(), c.warmup(), c.weightDecay(),
                c.maxGradNorm(), c.seed(), c.saveEvery(), c.gradientAccumulation(), c.evalEvery(),
                c.isLora() ? c.lora().dropout() : 0, c.everyTokenSteps(), c.recallSteps());
        ObjectMapper json = new ObjectMapper();
        Path metricsFile = out.resolve("metrics.jsonl");
        List<String> earlier = resume == null || !Files.exists(metricsFile) ? List.of()
                : Files.readAllLines(metricsFile).stream().limit(start.step()).toList();
        Path[] last = new Path[1];
        CheckpointTasks taskEval = c.taskEval().n() == 0 ? null : new CheckpointTasks(c.taskEval(), base,
                c.isLora(), spec.commandLine().getErr());
        try (TrainableLlama llama = open(c, resume, initialAdapter());
             BufferedWriter metrics = Files.newBufferedWriter(metricsFile, StandardCharsets.UTF_8);
             Progress progress = new Progress("train", total)) {
            for (String line : earlier) { // a resumed run continues the log of the steps it kept
                metrics.write(line);
                metrics.write('\n');
            }
            progress.accept(start.step());
            Trainer.run(llama, recallRows(c, base), data.rows(), data.evalRows(), settings, start, s -> {
                done.add(s);
                try {
                    metrics.write(json.writeValueAsString(metricLine(s)));
                    metrics.write('\n');
                    metrics.flush();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                progress.accept(s.step());
            }, (step, loss, optimizer) -> {
                last[0] = writeCheckpoint(llama, optimizer, step, total, data, loss);
                return taskEval == null ? Map.of() : taskEval.rates(last[0]);
            });
        } catch (Trainer.DivergedException e) {
            spec.commandLine().getErr().println("asynclm: " + e.getMessage());
            return 1;
        }
        if (done.isEmpty()) {
            throw new BadInputException("--resume " + resume + ": already at step " + start.step() + " of " + total);
        }
        Path chart = LossChart.write(out.resolve("loss.png"), metricsFile, spec.commandLine().getErr());
        Path tasksChart = LossChart.writeTaskRates(out.resolve("tasks.png"), metricsFile, spec.commandLine().getErr());
        o.print(summary(data, done));
        o.println("checkpoint: " + last[0]);
        if (chart != null) {
            o.println("loss curve: " + chart);
        }
        if (tasksChart != null) {
            o.println("held-out task rates: " + tasksChart);
        }
        return 0;
    }

    /**
     * The look-up-and-copy rows of recall_steps, over the tokenizer's ordinary tokens (those below its first special
     * token), closed by [HEAD]; none when recall_steps is 0.
     */
    private static List<Packing.Row> recallRows(TrainConfig c, Path base)
            throws BadInputException {
        if (c.recallSteps() == 0) {
            return List.of();
        }
        Tokenizer tok = ModelCommand.tokenizer(base);
        int separator = tok.encode("[HEAD]")[0];
        int ordinary = Math.min(separator, tok.encode("<|begin_of_text|>")[0]);
        return RecallRows.make(Math.min(c.recallSteps() * c.gradientAccumulation(), 4096),
                c.maxLength(), ordinary, separator, c.seed());
    }

    /** The shortcut options as config overrides, after --set so they win. */
    private List<String> overrides() {
        List<String> all = new ArrayList<>(sets);
        if (model != null) {
            all.add("base_model=" + quoted(model));
        }
        if (traces != null) {
            all.add("train_data=" + quoted(traces));
        }
        if (steps != null) {
            all.add("steps=" + steps);
        }
        if (lr != null) {
            all.add("learning_rate=" + lr);
        }
        if (loraRank != null) {
            all.add("method=lora");
            all.add("lora.rank=" + loraRank);
        }
        return all;
    }

    private static String quoted(Path p) {
        return "\"" + p.toString().replace("\\", "/") + "\"";
    }

    private static ObjectNode metricLine(Trainer.Step s) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("step", s.step());
        n.put("loss", s.loss());
        if (s.evalLoss() != null) {
            n.put("eval_loss", s.evalLoss());
        }
        if (!s.checkpointRates().isEmpty()) {
            ObjectNode rates = n.putObject("task_eval");
            s.checkpointRates().forEach(rates::put);
        }
        n.put("lr", s.learningRate());
        n.put("grad_norm", s.gradNorm());
        n.put("tokens", s.tokens());
        n.put("trained_tokens", s.trainedTokens());
        n.put("seconds", s.seconds());
        n.put("tokens_per_second", Math.round(s.tokens() / s.seconds()));
        return n;
    }

    /**
     * The model to train: the base (or a checkpoint to resume) for full fine-tuning; for LoRA the frozen base with
     * the resumed adapter or a new one written to {@code newAdapter}, initialised as PEFT does from the seed.
     */
    static TrainableLlama open(TrainConfig c, Path resume, Path newAdapter) throws BadInputException, IOException {
        Device device = Device.fromName(c.device());
        Path base = Path.of(c.baseModel());
        if (!c.isLora()) {
            return TrainableLlama.load(resume == null ? base : resume, device);
        }
        if (resume == null) {
            deleteTree(newAdapter);
            LlamaConfig model = LlamaConfig.read(base.resolve("config.json"));
            LoraAdapter.init(newAdapter, model, c.lora().rank(), c.lora().alpha(), c.lora().dropout(),
                    c.lora().targets(), c.seed(), tokenRows(c, base, model));
        }
        return TrainableLlama.withAdapter(base, resume == null ? newAdapter : resume, device);
    }

    /**
     * The embedding rows of lora.trainable_tokens at their starting values: the mean of every row (a base model has
     * never trained tokens such as Llama 3's reserved ones) or the base's own; null when there are none.
     */
    private static LoraAdapter.TokenRows tokenRows(TrainConfig c, Path base, LlamaConfig model)
            throws BadInputException {
        List<String> tokens = c.lora().trainableTokens();
        if (tokens.isEmpty()) {
            return null;
        }
        org.asynclm.runtime.tokens.Tokenizer tok = ModelCommand.tokenizer(base);
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
        float[] embedding = org.asynclm.model.safetensors.Checkpoint.open(base)
                .floats("model.embed_tokens.weight", model.vocabSize(), h);
        float[] mean = new float[h];
        for (int v = 0; v < model.vocabSize(); v++) {
            for (int j = 0; j < h; j++) {
                mean[j] += embedding[v * h + j] / model.vocabSize();
            }
        }
        float[] values = new float[ids.length * h];
        for (int k = 0; k < ids.length; k++) {
            boolean copy = c.lora().tokenInit().equals("copy");
            System.arraycopy(copy ? embedding : mean, copy ? ids[k] * h : 0, values, k * h, h);
        }
        return new LoraAdapter.TokenRows(ids, values);
    }

    private Path initialAdapter() {
        return out.resolve("adapter-init");
    }

    /** The step and optimizer state of a checkpoint, after checking it belongs to a run with these settings. */
    private Trainer.Start resumeFrom(Path dir) throws BadInputException {
        Path stateFile = dir.resolve("trainer_state.json");
        JsonNode state;
        try {
            state = new ObjectMapper().readTree(stateFile.toFile());
        } catch (IOException e) {
            throw new BadInputException(stateFile + ": cannot read (is --resume a checkpoint of a train run?)");
        }
        JsonNode now = CONFIG_JSON.valueToTree(c);
        for (var it = now.fields(); it.hasNext(); ) {
            var e = it.next();
            JsonNode then = state.path("config").path(e.getKey());
            if (!MAY_CHANGE.contains(e.getKey()) && !sameSetting(then, e.getValue())) {
                throw new BadInputException(stateFile + ": " + e.getKey() + ": the run used " + then
                        + ", this command " + e.getValue() + "; resume with the same settings");
            }
        }
        return new Trainer.Start(state.path("step").asInt(), dir.resolve("optimizer.safetensors"));
    }

    private static boolean sameSetting(JsonNode a, JsonNode b) {
        return a.isNumber() && b.isNumber() ? a.asDouble() == b.asDouble() : a.equals(b);
    }

    private static final ObjectMapper CONFIG_JSON = new ObjectMapper()
            .setPropertyNamingStrategy(com.fasterxml.jackson.databind.PropertyNamingStrategies.SNAKE_CASE);

    /**
     * OUT/checkpoint-STEP: the base checkpoint's config and tokenizer with the trained weights (or the adapter), the
     * optimizer's moments and trainer_state.json (step and config, so --resume can continue); renamed into place only
     * when complete. Older checkpoints beyond {@code keep} are removed.
     */
    private Path writeCheckpoint(TrainableLlama llama, AdamW optimizer, int step, int total, TrainingSet data,
                                 double loss) throws IOException {
        Path target = out.resolve("checkpoint-" + step);
        Path tmp = Files.createTempDirectory(out, ".checkpoint");
        try {
            if (llama.isLora()) { // an adapter in PEFT's layout, to use with --model BASE --adapter DIR
                Path adapterConfig = (resume != null ? resume : initialAdapter()).resolve(LoraAdapter.CONFIG);
                Files.copy(adapterConfig, tmp.resolve(LoraAdapter.CONFIG));
                llama.writeAdapterWeights(tmp);
            } else {
                for (String f : COPIED) {
                    if (Files.exists(base.resolve(f))) {
                        Files.copy(base.resolve(f), tmp.resolve(f));
                    }
                }
                llama.writeWeights(tmp);
            }
            Safetensors.write(tmp.resolve("optimizer.safetensors"), optimizer.state(), Map.of("format", "pt"));
            ObjectNode state = JsonNodeFactory.instance.objectNode();
            state.put("step", step).put("steps", total).put("mode", c.method());
            state.put("base_model", base.toAbsolutePath().toString());
            state.put("train_data", Path.of(c.trainData()).toAbsolutePath().toString());
            state.put("examples", data.train().examples().size()).put("dropped", data.train().dropped())
                    .put("truncated", data.train().truncated()).put("rows", data.rows().size())
                    .put("eval_examples", data.evalExamples()).put("eval_rows", data.evalRows().size());
            state.put("loss", loss);
            state.set("config", CONFIG_JSON.valueToTree(c));
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
        for (Path old : all.subList(Math.min(c.keep(), all.size()), all.size())) {
            deleteTree(old);
        }
        return target;
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var tree = Files.walk(dir)) {
            for (Path p : tree.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
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
