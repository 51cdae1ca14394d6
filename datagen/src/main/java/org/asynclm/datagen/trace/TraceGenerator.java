package org.asynclm.datagen.trace;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.asynclm.cml.CmlWriter;
import org.asynclm.datagen.Task;
import org.asynclm.datagen.TaskSource;
import org.asynclm.datagen.config.DatagenConfig;
import org.asynclm.datagen.synthetic.SyntheticGenerator;
import org.asynclm.runtime.CallRecord;
import org.asynclm.runtime.CostModel;
import org.asynclm.runtime.EndState;
import org.asynclm.runtime.Method;
import org.asynclm.runtime.Outcome;
import org.asynclm.runtime.prompt.ChatPrompt;
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

    /** The tokenizer that counts the traces' tokens, and spells the exports' texts. */
    public Tokenizer tokenizer() {
        return tokenizer;
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
                CostModel.Deployment.LOCAL, 0);
        Simulator sim = new Simulator(tokenizer, cost, config.policy(), seed, config.maxTokens());
        String system = ChatPrompt.system(task.tools(), config.method(), config.functionListing());
        int[] prompt = tokenizer.encode(ChatPrompt.render(system, task.scenario().userPrompt()));
        Simulator.Prepared prepared = sim.prepare(task.scenario(), prompt);
        Map<String, String> inIssueOrder = issueOrder(task.scenario(), sim.run(prepared,
                config.method(), Timeline.NONE));
        if (!inIssueOrder.isEmpty()) {
            task = new Task(task.scenario().renamed(inIssueOrder), task.shape(), task.split(), task.tools());
            prepared = sim.prepare(task.scenario(), prompt);
        }
        return new Case(seed, task, tpotMs, cost, sim, system, prepared);
    }

    /**
     * New ids a, b, c... in the order the teacher writes the calls, or an empty map when they already are. A model
     * then names its calls as it writes them, rather than by the DAG's construction order, which it cannot see
     * (copying those ids made it reuse them).
     */
    private static Map<String, String> issueOrder(Scenario scenario, Outcome teacher) {
        Map<String, String> ids = new LinkedHashMap<>();
        for (CallRecord r : teacher.calls()) {
            if (r.id() != null) {
                ids.putIfAbsent(r.id(), SyntheticGenerator.idFor(ids.size()));
            }
        }
        if (ids.size() != scenario.calls().size() || !ids.keySet().containsAll(
                scenario.calls().stream().map(ScenarioCall::id).toList())) {
            return Map.of(); // some call was not written with its id: renaming could make two calls one
        }
        ids.entrySet().removeIf(e -> e.getKey().equals(e.getValue()));
        return ids;
    }

    public Trace generate(long index) {
        Case c = prepare(index);
        Scenario scenario = c.task().scenario();
        Outcome teacher = c.simulator().run(c.prepared(), config.method(), Timeline.NONE);
        check(teacher, scenario);
        String id = config.source().id() + "-" + config.seed() + "-" + index;
        return new Trace(id, config.source().id(), c.seed(), c.task(), config.policy().id(), tokenizerName, c.tpotMs(),
                config.prefillMsPerToken(), c.task().tools(), c.system(), teacher,
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
            throw new IllegalStateException("task " + s.name() + " did not run cleanly under " + o.method().id()
                    + ": " + o.endState() + " " + o.errors() + (o.endState() == EndState.MAX_TOKENS
                    ? " (raise max_tokens)" : ""));
        }
    }
}
