package org.asynclm.eval.learning;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;
import org.asynclm.runtime.ArgumentValues;
import org.asynclm.runtime.CostModel;
import org.asynclm.runtime.Method;
import org.asynclm.runtime.Outcome;
import org.asynclm.runtime.scenario.Scenario;
import org.asynclm.runtime.sim.Simulator;
import org.asynclm.runtime.stop.StopSignals;
import org.asynclm.runtime.teacher.PolicyName;
import org.asynclm.runtime.timeline.Timeline;
import org.asynclm.runtime.tokens.Tokenizer;

/**
 * Held-out tasks run by a model under one method (constrained decoding, tools simulated, decoding charged at each
 * task's TPOT on a virtual clock) and judged against the teacher's run of the same task under the same method. The
 * loop of {@code eval synthetic}, and of the task checks at a training run's checkpoints.
 */
public final class TaskEvaluation {

    /**
     * One held-out task, as drawn for training traces: its scenario prepared for the simulator (the prompt
     * tokenised), its clock and seed, and the makespan of the same task under Sync.
     */
    public record Task(Scenario scenario, Simulator simulator, Simulator.Prepared prepared, CostModel cost, long seed,
                       long syncMakespanNanos) {
    }

    private final IntFunction<Task> tasks;
    private final Tokenizer tokenizer;
    private final Method method;
    private final Integer maxTokens;
    private final ArgumentValues values;

    /**
     * {@code maxTokens} null: twice the teacher's tokens for the task, plus 64. {@code values}: what the model's
     * decoding asks of its quoted call arguments (the teacher needs no constraint).
     */
    public TaskEvaluation(IntFunction<Task> tasks, Tokenizer tokenizer, Method method, Integer maxTokens,
                          ArgumentValues values) {
        this.tasks = tasks;
        this.tokenizer = tokenizer;
        this.method = method;
        this.maxTokens = maxTokens;
        this.values = values;
    }

    /**
     * Runs tasks 0..n-1 with the model's engines; {@code progress} hears how many are done. A stop asked for by a
     * signal ends the loop between tasks.
     */
    public List<RunCheck> run(Simulator.EngineFactory model, int n, IntConsumer progress) {
        List<RunCheck> runs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            StopSignals.check();
            runs.add(check(tasks.apply(i), model));
            progress.accept(i + 1);
        }
        return runs;
    }

    private RunCheck check(Task t, Simulator.EngineFactory model) {
        Outcome teacher = t.simulator().run(t.prepared(), method, Timeline.NONE);
        int limit = maxTokens != null ? maxTokens : 2 * teacher.generatedTokens() + 64;
        Simulator runs = new Simulator(tokenizer, t.cost(), PolicyName.LPT, t.seed(), limit, model, values);
        Outcome run = runs.run(t.prepared(), method, Timeline.NONE);
        return RunCheck.of(t.scenario(), run, teacher, t.syncMakespanNanos());
    }
}
