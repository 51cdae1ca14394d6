package org.asynclm.runtime.sim;

import java.util.Map;
import java.util.function.LongSupplier;
import org.asynclm.runtime.ArgumentValues;
import org.asynclm.runtime.CacheCosts;
import org.asynclm.runtime.CostModel;
import org.asynclm.runtime.Engine;
import org.asynclm.runtime.Method;
import org.asynclm.runtime.Outcome;
import org.asynclm.runtime.Session;
import org.asynclm.runtime.SessionConfig;
import org.asynclm.runtime.clock.VirtualClock;
import org.asynclm.runtime.exec.Tool;
import org.asynclm.runtime.exec.VirtualToolExecutor;
import org.asynclm.runtime.prompt.ChatPrompt;
import org.asynclm.runtime.scenario.FollowUp;
import org.asynclm.runtime.scenario.Scenario;
import org.asynclm.runtime.scenario.ScenarioTools;
import org.asynclm.runtime.teacher.Policy;
import org.asynclm.runtime.teacher.PolicyName;
import org.asynclm.runtime.teacher.TeacherEngine;
import org.asynclm.runtime.timeline.Timeline;
import org.asynclm.runtime.tokens.Tokenizer;

/**
 * Runs a scenario with simulated tools on a virtual clock: deterministic, no real time. The engine is the teacher
 * (a perfect policy) unless another is given, such as a local model whose decoding is then charged at the TPOT.
 */
public final class Simulator {

    /** Makes the engine for one run of a scenario under a method. */
    @FunctionalInterface
    public interface EngineFactory {
        Engine create(Scenario scenario, Method method, LongSupplier clock, Bounds bounds);
    }

    private final Tokenizer tokenizer;
    private final CostModel cost;
    private final PolicyName policy;
    private final long seed;
    private final int maxTokens;
    private final EngineFactory engines;
    private final ArgumentValues values;

    public Simulator(Tokenizer tokenizer, CostModel cost, PolicyName policy, long seed, int maxTokens) {
        this(tokenizer, cost, policy, seed, maxTokens, null);
    }

    /** {@code engines} null: the teacher with {@code policy}. */
    public Simulator(Tokenizer tokenizer, CostModel cost, PolicyName policy, long seed, int maxTokens,
                     EngineFactory engines) {
        this(tokenizer, cost, policy, seed, maxTokens, engines, ArgumentValues.FREE);
    }

    /** With {@code values} asked of the engine's quoted call arguments. */
    public Simulator(Tokenizer tokenizer, CostModel cost, PolicyName policy, long seed, int maxTokens,
                     EngineFactory engines, ArgumentValues values) {
        this.values = values;
        this.tokenizer = tokenizer;
        this.cost = cost;
        this.policy = policy;
        this.seed = seed;
        this.maxTokens = maxTokens;
        this.engines = engines != null ? engines : (s, m, clock, b) ->
                new TeacherEngine(s, Policy.create(policy, s, b::decode, seed), m, tokenizer, clock, b::decode);
    }

    public Bounds bounds(Scenario scenario) {
        return Bounds.of(scenario, tokenizer, cost.tpotNanos());
    }

    /** What every run of one scenario shares: its bounds and its prompt. */
    public record Prepared(Scenario scenario, Bounds bounds, int[] prompt) {
    }

    public Prepared prepare(Scenario scenario) {
        String system = ChatPrompt.system(ScenarioTools.of(scenario).values());
        return prepare(scenario, tokenizer.encode(ChatPrompt.render(system, scenario.userPrompt())));
    }

    /** With a prompt of the caller's (for example one listing the task's own tool documentation). */
    public Prepared prepare(Scenario scenario, int[] prompt) {
        return new Prepared(scenario, bounds(scenario), prompt);
    }

    public Outcome run(Scenario scenario, Method method, Timeline timeline) {
        return run(prepare(scenario), method, timeline);
    }

    public Outcome run(Prepared prepared, Method method, Timeline timeline) {
        Scenario scenario = prepared.scenario();
        Bounds bounds = prepared.bounds();
        int[] prompt = prepared.prompt();
        VirtualClock clock = new VirtualClock();
        try (VirtualToolExecutor executor = new VirtualToolExecutor(clock, 0)) {
            Map<String, Tool> tools = ScenarioTools.of(scenario);
            Engine engine = engines.create(scenario, method, clock::nanos, bounds);
            Session session = new Session(engine, tokenizer, clock, executor, tools,
                    new SessionConfig(method, cost, CacheCosts.SINGLE_USER, maxTokens,
                            SessionConfig.DEFAULT_RUNAWAY_LIMIT, values), timeline);
            long firstToken = cost.prefill(prompt.length); // Session.run prefills the prompt before decoding
            for (FollowUp f : scenario.followUps()) {
                executor.inbox().postUser(f.text(), firstToken + f.atNanos());
            }
            try {
                return session.copyFrom(scenario.userPrompt()).run(prompt);
            } finally {
                engine.close();
            }
        }
    }
}
