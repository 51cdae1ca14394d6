package org.asynclm.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.asynclm.eval.learning.LearningMetrics;
import org.asynclm.model.llama.Llama;
import org.asynclm.runtime.BadInputException;
import org.asynclm.runtime.Method;
import org.asynclm.training.config.TrainConfig;

/**
 * The checks of {@code eval synthetic} on each checkpoint a training run writes, over one fixed held-out task set,
 * so that metrics.jsonl shows the job being learned beside the loss. The task set is checked once, before training
 * starts, so a wrong datagen config stops the run at once rather than at its first checkpoint.
 */
final class CheckpointTasks {
    private final TrainConfig.TaskEval settings;
    private final Path base;
    private final boolean lora;
    private final PrintWriter err;
    private final SyntheticEvaluation evaluation;

    CheckpointTasks(TrainConfig.TaskEval settings, Path base, boolean lora, PrintWriter err) throws BadInputException {
        this.settings = settings;
        this.base = base;
        this.lora = lora;
        this.err = err;
        Path config = settings.datagenConfig() == null ? null : Path.of(settings.datagenConfig());
        Method method = settings.method();
        this.evaluation = new SyntheticEvaluation(SyntheticEvaluation.tasks(config, List.of(), settings.n(),
                settings.seed(), method), ModelCommand.tokenizer(base), method, null, settings.values());
    }

    /** The rates of {@code checkpoint} (a full model, or an adapter over the base), by metrics key. */
    Map<String, Double> rates(Path checkpoint) {
        long t0 = System.nanoTime();
        LearningMetrics m;
        try (Llama llama = lora ? ModelCommand.load(base, checkpoint) : ModelCommand.load(checkpoint, null)) {
            m = LearningMetrics.of(evaluation.run(llama, settings.n(), done -> { }));
        } catch (BadInputException e) {
            throw new IllegalStateException(checkpoint + ": the checkpoint just written does not load: " + e.getMessage());
        }
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("cml_valid_rate", m.cmlValidRate());
        out.put("all_calls_once_rate", m.allCallsOnceRate());
        out.put("dependency_ok_rate", m.dependencyOkRate());
        out.put("scenario_ok_rate", m.scenarioOkRate());
        out.put("runaway_rate", m.runawayRate());
        if (m.makespanRatioVsTeacher() != null) {
            out.put("makespan_ratio_vs_teacher", m.makespanRatioVsTeacher());
        }
        err.printf(Locale.ROOT, "%n%s: %d held-out tasks in %.0f s: CML valid %.1f%%, task ok %.1f%%%n",
                checkpoint.getFileName(), settings.n(), (System.nanoTime() - t0) / 1e9, 100 * m.cmlValidRate(),
                100 * m.scenarioOkRate());
        err.flush();
        return out;
    }
}
