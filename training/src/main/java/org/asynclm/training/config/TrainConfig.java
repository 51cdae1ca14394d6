package org.asynclm.training.config;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.asynclm.model.llama.TrainableLlama;
import org.asynclm.model.lora.LoraAdapter;
import org.asynclm.runtime.ArgumentValues;
import org.asynclm.runtime.BadInputException;
import org.asynclm.runtime.Method;
import org.asynclm.runtime.config.ConfigName;
import org.asynclm.runtime.config.ConfigOverride;
import org.asynclm.runtime.config.YamlConfig;
import org.asynclm.training.data.TraceExamples;
import org.asynclm.training.data.TraceExamples.Overlong;
import org.asynclm.training.sft.Schedule;

/**
 * Everything that decides a training run; see {@code defaults.yaml} for each key's meaning and default. As JSON (in a
 * checkpoint's trainer state) it is its keys alone: {@link #isLora} is no key, since {@code lora} is the LoRA settings.
 */
@JsonAutoDetect(
        isGetterVisibility = JsonAutoDetect.Visibility.NONE)
public record TrainConfig(String baseModel, String trainData, String evalData, double evalFraction, int evalEvery,
                          int evalRows, ComputeDevice device, FineTuning method, Lora lora, int maxLength, Overlong overlong,
                          double epochs, int steps, int gradientAccumulation, double learningRate, double warmup,
                          double weightDecay, double maxGradNorm, long seed, int saveEvery, int keep,
                          TaskEval taskEval, int everyTokenSteps, int recallSteps, int copySteps,
                          TraceExamples.Prompt copyPrompt, CopyLoss copyLoss, double valueWeight, int errorRepeats,
                          boolean gradientCheckpointing, int lossChunk, Schedule.Cycles lrCycles) {

    public static final String DEFAULTS = "/org/asynclm/training/defaults.yaml";
    private static final YamlConfig YAML = new YamlConfig("train", DEFAULTS, Set.of());

    /** What trains: every weight, or a LoRA adapter on the frozen base. */
    public enum FineTuning implements ConfigName { FULL, LORA }

    /**
     * Which tokens of the copy steps' short examples are under the loss: the values the calls copy alone, or all that
     * the model writes (the job in short prompts, where a step holds about 2.5 times the traces of a whole-prompt one:
     * 284 against 716 tokens a trace, request-only against whole, over the first 2,000 of the quickstart's traces).
     */
    public enum CopyLoss implements ConfigName { VALUES, MODEL }

    /** Where the embedding rows of lora.trainable_tokens start: the mean of all rows, or the base's own. */
    public enum TokenInit implements ConfigName { MEAN, COPY }

    public record Lora(int rank, double alpha, double dropout, List<String> targets, List<String> trainableTokens,
                       TokenInit tokenInit, TrainableLlama.BasePrecision basePrecision) {
        public Lora {
            targets = targets == null ? null : List.copyOf(targets);
            trainableTokens = trainableTokens == null ? List.of() : List.copyOf(trainableTokens);
        }
    }

    /**
     * The task checks of {@code eval synthetic} at every checkpoint, on a fixed held-out task set: {@code n} tasks
     * (0: off) drawn with {@code seed} from {@code datagenConfig} (null: configs/datagen/synthetic.yaml), run under
     * {@code method}, the model's quoted call arguments decoded under {@code values}.
     */
    public record TaskEval(int n, long seed, String datagenConfig, Method method, ArgumentValues values) {
    }


    /** The built-in defaults as a tree of snake_case keys, as {@code defaults.yaml} holds them. */
    public static ObjectNode defaults() {
        return YAML.defaults();
    }

    /** What a step keeps for backward: the two memory levers, which change no value. */
    public TrainableLlama.Memory memory() {
        return new TrainableLlama.Memory(gradientCheckpointing, lossChunk);
    }

    public boolean isLora() {
        return method == FineTuning.LORA;
    }

    /** Built-in defaults, then {@code file} (may be null), then {@code key=value} overrides; validated. */
    public static TrainConfig load(Path file, List<String> overrides) throws BadInputException {
        return loadWith(file, overrides.stream().map(ConfigOverride::set).toList());
    }

    /** Built-in defaults, then {@code file} (may be null), then the overrides in order; validated. */
    public static TrainConfig loadWith(Path file, List<ConfigOverride> overrides) throws BadInputException {
        YamlConfig.Loaded<TrainConfig> loaded = YAML.loadWith(file, overrides, TrainConfig.class);
        TrainConfig c = loaded.value();
        loaded.check(c.baseModel() != null && !c.baseModel().isBlank(), "base_model", "must name a checkpoint directory");
        loaded.check(c.trainData() != null && !c.trainData().isBlank(), "train_data", "must name a trace JSONL file");
        loaded.check(c.evalFraction() >= 0 && c.evalFraction() < 1, "eval_fraction", "must be in [0, 1)");
        loaded.check(c.evalEvery() >= 0, "eval_every", "must be >= 0");
        loaded.check(c.evalRows() >= 1, "eval_rows", "must be at least 1");
        loaded.check(c.device() != null, "device", "must be cpu or cuda:N");
        loaded.check(c.method() != null, "method", "must be one of " + ConfigName.ids(FineTuning.class));
        loaded.check(c.lora().rank() >= 1, "lora.rank", "must be at least 1");
        loaded.check(c.lora().alpha() > 0, "lora.alpha", "must be positive");
        loaded.check(c.lora().dropout() >= 0 && c.lora().dropout() < 1, "lora.dropout", "must be in [0, 1)");
        loaded.check(c.lora().targets() != null && !c.lora().targets().isEmpty(), "lora.targets", "needs a projection");
        for (String t : c.lora().targets()) {
            loaded.check(LoraAdapter.PROJECTIONS.contains(t), "lora.targets",
                    "'" + t + "' is not one of " + LoraAdapter.PROJECTIONS);
        }
        loaded.check(c.lora().tokenInit() != null, "lora.token_init", "must be one of " + ConfigName.ids(TokenInit.class));
        loaded.check(c.lora().basePrecision() != null, "lora.base_precision",
                "must be one of " + ConfigName.ids(TrainableLlama.BasePrecision.class));
        loaded.check(c.maxLength() >= 2, "max_length", "must be at least 2");
        loaded.check(c.overlong() != null, "overlong", "must be one of " + ConfigName.ids(Overlong.class));
        loaded.check(c.epochs() > 0, "epochs", "must be positive");
        loaded.check(c.steps() >= 0, "steps", "must be >= 0");
        loaded.check(c.gradientAccumulation() >= 1, "gradient_accumulation", "must be at least 1");
        loaded.check(c.learningRate() > 0, "learning_rate", "must be positive");
        loaded.check(c.warmup() >= 0 && c.warmup() < 1, "warmup", "must be in [0, 1)");
        loaded.check(c.weightDecay() >= 0, "weight_decay", "must be >= 0");
        loaded.check(c.maxGradNorm() > 0, "max_grad_norm", "must be positive");
        loaded.check(c.saveEvery() >= 0, "save_every", "must be >= 0");
        loaded.check(c.keep() >= 1, "keep", "must be at least 1");
        loaded.check(c.everyTokenSteps() >= 0, "every_token_steps", "must be >= 0");
        loaded.check(c.recallSteps() >= 0, "recall_steps", "must be >= 0");
        loaded.check(c.copySteps() >= 0, "copy_steps", "must be >= 0");
        loaded.check(c.copyPrompt() != null && c.copyPrompt() != TraceExamples.Prompt.WHOLE, "copy_prompt",
                "must be instructions or request");
        loaded.check(c.copyLoss() != null, "copy_loss", "must be one of " + ConfigName.ids(CopyLoss.class));
        loaded.check(c.valueWeight() > 0, "value_weight", "must be positive (1: a copied value weighs as any token)");
        loaded.check(c.errorRepeats() >= 1, "error_repeats",
                "must be at least 1 (1: a trace with a tool's error is seen as often as any)");
        loaded.check(c.lrCycles() != null, "lr_cycles", "must be one of " + ConfigName.ids(Schedule.Cycles.class));
        loaded.check(c.lossChunk() >= 0, "loss_chunk", "must be 0 (the whole row at once) or a number of tokens");
        loaded.check(c.taskEval() != null && c.taskEval().n() >= 0, "task_eval.n", "must be >= 0");
        loaded.check(c.taskEval().method() == Method.ASYNC || c.taskEval().method() == Method.SYNC,
                "task_eval.method", "must be async or sync");
        loaded.check(c.taskEval().values() != null, "task_eval.values", "must be free or copied");
        Map<String, Double> numbers = Map.of("learning_rate", c.learningRate(), "warmup", c.warmup(),
                "weight_decay", c.weightDecay(), "max_grad_norm", c.maxGradNorm(), "epochs", c.epochs(),
                "eval_fraction", c.evalFraction(), "lora.alpha", c.lora().alpha(), "lora.dropout", c.lora().dropout(),
                "value_weight", c.valueWeight());
        for (Map.Entry<String, Double> e : new TreeMap<>(numbers).entrySet()) {
            loaded.check(Double.isFinite(e.getValue()), e.getKey(), "must be a finite number");
        }
        return c;
    }

    /** Optimiser steps: {@code steps}, or enough for {@code epochs} passes over {@code rows} packed rows. */
    public int totalSteps(int rows) {
        return steps > 0 ? steps : Math.max(1, (int) Math.ceil(epochs * rows / gradientAccumulation));
    }
}
