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
import org.asynclm.model.llama.Llama;
import org.asynclm.runtime.BadInputException;
import org.asynclm.runtime.Method;
import org.asynclm.runtime.Outcome;
import org.asynclm.runtime.config.ConfigOverride;
import org.asynclm.runtime.sim.Simulator;
import org.asynclm.runtime.stop.StopSignals;
import org.asynclm.runtime.teacher.PolicyName;
import org.asynclm.runtime.timeline.Timeline;
import org.asynclm.runtime.tokens.Tokenizer;

/**
 * Held-out synthetic tasks, drawn as datagen draws its traces, run by a model under one method (greedy, constrained
 * decoding, tools simulated, decoding charged at each task's TPOT on a virtual clock) and judged against the
 * teacher's run of the same task under the same method. What {@code eval synthetic} prints and what training
 * measures at its checkpoints.
 */
final class SyntheticEvaluation {
    private final TraceGenerator tasks;
    private final Tokenizer tokenizer;
    private final Method method;
    private final Integer maxTokens;

    /** {@code maxTokens} null: twice the teacher's tokens for the task, plus 64. */
    SyntheticEvaluation(DatagenConfig tasks, Tokenizer tokenizer, Method method, Integer maxTokens)
            throws BadInputException {
        if (tasks.source() != DatagenConfig.Source.SYNTHETIC) {
            throw new BadInputException("source: eval synthetic needs source synthetic, got " + tasks.source().id());
        }
        this.tasks = new TraceGenerator(tasks, tokenizer, "model", Sources.create(tasks));
        this.tokenizer = tokenizer;
        this.method = method;
        this.maxTokens = maxTokens;
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

    /** Runs tasks 0..n-1 of the set; {@code progress} hears how many are done. */
    List<RunCheck> run(Llama llama, int n, IntConsumer progress) {
        List<RunCheck> runs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            StopSignals.check();
            runs.add(check(i, llama));
            progress.accept(i + 1);
        }
        return runs;
    }

    private RunCheck check(int index, Llama llama) {
        TraceGenerator.Case c = tasks.prepare(index);
        Outcome teacher = c.simulator().run(c.prepared(), method, Timeline.NONE);
        long sync = tasks.syncMakespan(c.simulator(), c.prepared(), c.cost());
        int limit = maxTokens != null ? maxTokens : 2 * teacher.generatedTokens() + 64;
        Simulator model = new Simulator(tokenizer, c.cost(), PolicyName.LPT, c.seed(), limit,
                (s, m, clock, bounds) -> ModelCommand.engineUnchecked(llama));
        Outcome run = model.run(c.prepared(), method, Timeline.NONE);
        return RunCheck.of(c.task().scenario(), run, teacher, sync);
    }
}
