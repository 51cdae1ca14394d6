package org.asynclm.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.asynclm.datagen.config.DatagenConfig;
import org.asynclm.model.llama.Llama;
import org.asynclm.model.llama.LlamaEngine;
import org.asynclm.model.llama.Sampler;
import org.asynclm.runtime.BadInputException;
import org.asynclm.runtime.CacheCosts;
import org.asynclm.runtime.CostModel;
import org.asynclm.runtime.Engine;
import org.asynclm.runtime.Method;
import org.asynclm.runtime.Outcome;
import org.asynclm.runtime.Session;
import org.asynclm.runtime.SessionConfig;
import org.asynclm.runtime.clock.WallClock;
import org.asynclm.runtime.exec.ThreadToolExecutor;
import org.asynclm.runtime.exec.Tool;
import org.asynclm.runtime.prompt.ChatPrompt;
import org.asynclm.runtime.scenario.Scenario;
import org.asynclm.runtime.scenario.ScenarioTools;
import org.asynclm.runtime.timeline.TimelineRecorder;
import org.asynclm.runtime.tokens.Tokenizer;

/** A scenario run by a model (a local Llama, or one behind a server) in the runtime on the wall clock, tools on their own threads. */
final class ModelRuns {
    private ModelRuns() {
    }

    /** The trap handler's costs from a calibration file, or those of a single user (always keep). */
    static CacheCosts cacheCosts(Path file) throws BadInputException {
        return file == null ? CacheCosts.SINGLE_USER : CacheCosts.read(file);
    }

    /** How the model samples and how long a turn may run. */
    record Sampling(int maxTokens, double temperature, double topP, long seed) {
    }

    /** Each method's outcome, and its timeline by the method's id, in the order the methods ran. */
    record Runs(Map<Method, Outcome> outcomes, Map<String, TimelineRecorder> timelines) {
    }

    /** Runs {@code scenario} once per method with the model loaded once. */
    static Runs run(CheckpointOptions checkpoint, Scenario scenario, List<Method> methods, CostModel cost,
                    CacheCosts cacheCosts, Sampling sampling) throws BadInputException {
        try (Llama llama = checkpoint.load()) {
            ModelCommand.engine(llama, sampling.temperature(), sampling.topP(), sampling.seed()).close(); // checks them
            return run(llama.tokenizer(), () -> new LlamaEngine(llama, new Sampler(sampling.temperature(),
                    sampling.topP(), sampling.seed())), scenario, methods, cost, cacheCosts, sampling.maxTokens());
        }
    }

    /** The same with the engines {@code engines} makes, one per method (a model behind a server, say). */
    static Runs run(Tokenizer tok, Supplier<Engine> engines, Scenario scenario, List<Method> methods, CostModel cost,
                    CacheCosts cacheCosts, int maxTokens) {
        Map<Method, Outcome> outcomes = new LinkedHashMap<>();
        Map<String, TimelineRecorder> timelines = new LinkedHashMap<>();
        for (Method m : methods) {
            Map<String, Tool> tools = ScenarioTools.of(scenario);
            int[] prompt = tok.encode(ChatPrompt.render(system(tools), scenario.userPrompt()));
            WallClock clock = new WallClock(false); // the model's own speed is the real TPOT
            TimelineRecorder rec = new TimelineRecorder();
            try (Engine engine = engines.get(); ThreadToolExecutor executor = new ThreadToolExecutor(clock, 0)) {
                Session s = new Session(engine, tok, clock, executor, tools,
                        new SessionConfig(m, cost, cacheCosts, maxTokens), rec);
                outcomes.put(m, s.run(prompt));
            }
            timelines.put(m.id(), rec);
        }
        return new Runs(outcomes, timelines);
    }

    /** A scenario's system prompt for a trained model: its functions listed as datagen lists synthetic tasks'. */
    static String system(Map<String, Tool> tools) {
        return ChatPrompt.system(tools.values(), DatagenConfig.listingFor(DatagenConfig.Source.SYNTHETIC));
    }
}
