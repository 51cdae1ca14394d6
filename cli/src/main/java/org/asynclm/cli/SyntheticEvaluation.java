package org.asynclm.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import org.asynclm.datagen.Sources;
import org.asynclm.datagen.config.ConfigLoader;
import org.asynclm.datagen.config.DatagenConfig;
import org.asynclm.datagen.trace.TraceGenerator;
import org.asynclm.eval.learning.RunCheck;
import org.asynclm.eval.learning.TaskEvaluation;
import org.asynclm.model.llama.Llama;
import org.asynclm.runtime.ArgumentValues;
import org.asynclm.runtime.BadInputException;
import org.asynclm.runtime.Method;
import org.asynclm.runtime.config.ConfigOverride;
import org.asynclm.runtime.sim.Simulator;
import org.asynclm.runtime.tokens.Tokenizer;

/**
 * Held-out synthetic tasks, drawn as datagen draws its traces from the datagen config the training traces came from,
 * for {@link TaskEvaluation}: what {@code eval synthetic} prints and what training measures at its checkpoints.
 */
final class SyntheticEvaluation {
    private final TaskEvaluation evaluation;

    /** {@code maxTokens} null: twice the teacher's tokens for the task, plus 64. */
    SyntheticEvaluation(DatagenConfig tasks, Tokenizer tokenizer, Method method, Integer maxTokens,
                        ArgumentValues values) throws BadInputException {
        if (tasks.source() != DatagenConfig.Source.SYNTHETIC) {
            throw new BadInputException("source: eval synthetic needs source synthetic, got " + tasks.source().id());
        }
        TraceGenerator generator = new TraceGenerator(tasks, tokenizer, "model", Sources.create(tasks));
        this.evaluation = new TaskEvaluation(index -> {
            TraceGenerator.Case c = generator.prepare(index);
            return new TaskEvaluation.Task(c.task().scenario(), c.simulator(), c.prepared(), c.cost(), c.seed(),
                    generator.syncMakespan(c.simulator(), c.prepared(), c.cost()));
        }, tokenizer, method, maxTokens, values);
    }

    /**
     * The datagen config the training traces came from, with the held-out task set's size and seed, and the method
     * the tasks run under (it decides the system prompt, as it did for the traces).
     */
    static DatagenConfig tasks(Path config, List<String> sets, int n, long seed, Method method)
            throws BadInputException {
        Path file = config != null ? config : Shipped.find("configs/datagen/synthetic.yaml").orElse(null);
        List<ConfigOverride> all = new ArrayList<>(sets.stream().map(ConfigOverride::set).toList());
        all.add(ConfigOverride.of("--n", "n", n));
        all.add(ConfigOverride.of("--seed", "seed", seed));
        all.add(ConfigOverride.of("--method", "method", method.id()));
        return ConfigLoader.loadWith(file, all);
    }

    /** Runs tasks 0..n-1 of the set with the model; {@code progress} hears how many are done. */
    List<RunCheck> run(Llama llama, int n, IntConsumer progress) {
        return run((s, m, clock, bounds) -> ModelCommand.engineUnchecked(llama), n, progress);
    }

    /** The same with the engines {@code engines} makes, one per task (a model behind a server, say). */
    List<RunCheck> run(Simulator.EngineFactory engines, int n, IntConsumer progress) {
        return evaluation.run(engines, n, progress);
    }
}
