package org.asynclm.datagen.trace;

import java.util.SplittableRandom;
import org.asynclm.datagen.Task;
import org.asynclm.datagen.TaskSource;
import org.asynclm.datagen.config.DatagenConfig;
import org.asynclm.runtime.CostModel;
import org.asynclm.runtime.EndState;
import org.asynclm.runtime.Method;
import org.asynclm.runtime.Outcome;
import org.asynclm.runtime.prompt.ChatPrompt;
import org.asynclm.cml.CmlWriter;
import org.asynclm.runtime.scenario.Scenario;
import org.asynclm.runtime.scenario.ScenarioCall;
import org.asynclm.runtime.sim.Simulator;
import org.asynclm.runtime.timeline.Timeline;
import org.asynclm.runtime.tokens.Tokenizer;

/**
 * Turns tasks into traces by running the real runtime: the teacher engine under Async on a virtual clock at a TPOT
 * drawn per trace. Interrupt placement and timing are therefore exactly the runtime's. Trace {@code i} depends only
 * on the seed and {@code i}, so traces can be made in any order and on any number of threads.
 */
public final class TraceGenerator {
    private final DatagenConfig config;
    private final Tokenizer tokenizer;
    private final String tokenizerName;
    private final TaskSource source;

    public TraceGenerator(DatagenConfig config, Tokenizer tokenizer, String tokenizerName, TaskSource source) {
        this.config = config;
        this.tokenizer = tokenizer;
        this.tokenizerName = tokenizerName;
        this.source = source;
    }

    /** The seed of trace {@code index}: a 64-bit mix of the run's seed and the index. */
    public static long traceSeed(long seed, long index) {
        long z = seed + 0x9E3779B97F4A7C15L * (index + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** What trace {@code index} is made from: the task, its TPOT, and a simulator on the matching clock. */
    public record Case(long seed, Task task, double tpotMs, CostModel cost, Simulator simulator, String system,
                       Simulator.Prepared prepared) {
    }

    public Case prepare(long index) {
        long seed = traceSeed(config.seed(), index);
        SplittableRandom rng = new SplittableRandom(seed);
        Task task = source.task(index, rng);
        double tpotMs = Math.round(config.tpotMs().draw(rng) * 1000) / 1000.0;
        CostModel cost = new CostModel(CostModel.msToNanos(tpotMs), CostModel.msToNanos(config.prefillMsPerToken()),
                CostModel.Deployment.LOCAL, 0, 0);
        Simulator sim = new Simulator(tokenizer, cost, config.policy(), seed, config.maxTokens());
        Scenario scenario = task.scenario();
        String system = ChatPrompt.system(task.tools());
        return new Case(seed, task, tpotMs, cost, sim, system,
                sim.prepare(scenario, tokenizer.encode(ChatPrompt.render(system, scenario.userPrompt()))));
    }

    public Trace generate(long index) {
        Case c = prepare(index);
        Scenario scenario = c.task().scenario();
        Outcome async = c.simulator().run(c.prepared(), Method.ASYNC, Timeline.NONE);
        check(async, scenario);
        String id = config.source() + "-" + config.seed() + "-" + index;
        return new Trace(id, config.source(), c.seed(), c.task(), config.policy(), tokenizerName, c.tpotMs(),
                config.prefillMsPerToken(), c.task().tools(), c.system(), async,
                c.prepared().bounds(), syncMakespan(c.simulator(), c.prepared(), c.cost()), c.prepared().prompt().length);
    }

    /**
     * The makespan of the same task under Sync, for the summary. Without follow-ups it has a closed form: every
     * call is written, waited for and its result prefilled in turn, then the answer is written. A task with
     * follow-ups is simulated.
     */
    public long syncMakespan(Simulator sim, Simulator.Prepared prepared, CostModel cost) {
        Scenario s = prepared.scenario();
        if (!s.followUps().isEmpty()) {
            Outcome sync = sim.run(prepared, Method.SYNC, Timeline.NONE);
            check(sync, s);
            return sync.makespanNanos();
        }
        long total = (long) tokenizer.count(s.finalAnswer()) * cost.tpotNanos();
        for (ScenarioCall c : s.calls()) {
            int resultTokens = tokenizer.count(CmlWriter.interrupt(c.id(), CmlWriter.json(c.result())));
            total += prepared.bounds().decode(c) + c.execNanos() + cost.prefill(resultTokens);
        }
        return total;
    }

    private void check(Outcome o, Scenario s) {
        if (o.endState() != EndState.DONE || !o.errors().isEmpty()) {
            throw new IllegalStateException("task " + s.name() + " did not run cleanly under " + o.method().cliName()
                    + ": " + o.endState() + " " + o.errors() + (o.endState() == EndState.MAX_TOKENS
                    ? " (raise max_tokens)" : ""));
        }
    }
}
