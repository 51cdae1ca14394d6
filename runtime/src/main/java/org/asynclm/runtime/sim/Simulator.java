package org.asynclm.runtime.sim;

import java.util.Map;
import org.asynclm.runtime.CacheCosts;
import org.asynclm.runtime.CostModel;
import org.asynclm.runtime.Method;
import org.asynclm.runtime.Outcome;
import org.asynclm.runtime.Session;
import org.asynclm.runtime.SessionConfig;
import org.asynclm.runtime.clock.VirtualClock;
import org.asynclm.runtime.exec.Tool;
import org.asynclm.runtime.exec.VirtualToolExecutor;
import org.asynclm.runtime.prompt.ChatPrompt;
import org.asynclm.runtime.scenario.Scenario;
import org.asynclm.runtime.scenario.ScenarioTools;
import org.asynclm.runtime.teacher.Policy;
import org.asynclm.runtime.teacher.TeacherEngine;
import org.asynclm.runtime.timeline.Timeline;
import org.asynclm.runtime.tokens.Tokenizer;

/** Runs a scenario with the teacher engine and simulated tools on a virtual clock: deterministic, no real time. */
public final class Simulator {
    private final Tokenizer tokenizer;
    private final CostModel cost;
    private final String policy;
    private final long seed;
    private final int maxTokens;

    public Simulator(Tokenizer tokenizer, CostModel cost, String policy, long seed, int maxTokens) {
        this.tokenizer = tokenizer;
        this.cost = cost;
        this.policy = policy;
        this.seed = seed;
        this.maxTokens = maxTokens;
    }

    public Bounds bounds(Scenario scenario) {
        return Bounds.of(scenario, tokenizer, cost.tpotNanos());
    }

    public Outcome run(Scenario scenario, Method method, Timeline timeline) {
        VirtualClock clock = new VirtualClock();
        try (VirtualToolExecutor executor = new VirtualToolExecutor(clock, 0)) {
            Map<String, Tool> tools = ScenarioTools.of(scenario);
            Bounds bounds = bounds(scenario);
            Policy p = Policy.create(policy, scenario, bounds::decode, seed);
            TeacherEngine teacher = new TeacherEngine(scenario, p, method, tokenizer, clock::nanos, bounds::decode);
            int[] prompt = tokenizer.encode(ChatPrompt.render(ChatPrompt.system(tools.values()), scenario.userPrompt()));
            Session session = new Session(teacher, tokenizer, clock, executor, tools,
                    new SessionConfig(method, cost, CacheCosts.SINGLE_USER, maxTokens), timeline);
            return session.run(prompt);
        }
    }
}
