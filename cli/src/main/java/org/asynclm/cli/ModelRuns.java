package org.asynclm.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.asynclm.model.llama.Llama;
import org.asynclm.model.llama.LlamaEngine;
import org.asynclm.runtime.BadInputException;
import org.asynclm.runtime.CacheCosts;
import org.asynclm.runtime.CostModel;
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
import org.asynclm.runtime.timeline.TraceRecorder;
import org.asynclm.runtime.tokens.Tokenizer;

/** A scenario run by a local Llama in the runtime on the wall clock, tools on their own threads. */
final class ModelRuns {
    private ModelRuns() {
    }

    /** The trap handler's costs from a calibration file, or those of a single user (always keep). */
    static CacheCosts cacheCosts(Path file) throws BadInputException {
        return file == null ? CacheCosts.SINGLE_USER : CacheCosts.read(file);
    }

    static void run(Path modelDir, Path adapter, Scenario scenario, List<Method> methods, CostModel cost, CacheCosts cacheCosts,
                    int maxTokens,
                    double temperature, double topP, long seed, Map<Method, Outcome> outcomes,
                    Map<String, TraceRecorder> traces) throws BadInputException {
        Tokenizer tok = ModelCommand.tokenizer(modelDir);
        try (Llama llama = ModelCommand.load(modelDir, adapter)) {
            for (Method m : methods) {
                Map<String, Tool> tools = ScenarioTools.of(scenario);
                int[] prompt = tok.encode(ChatPrompt.render(ChatPrompt.system(tools.values()), scenario.userPrompt()));
                WallClock clock = new WallClock(false); // the model's own speed is the real TPOT
                TraceRecorder rec = new TraceRecorder();
                try (LlamaEngine engine = ModelCommand.engine(llama, temperature, topP, seed);
                     ThreadToolExecutor executor = new ThreadToolExecutor(clock, 0)) {
                    Session s = new Session(engine, tok, clock, executor, tools,
                            new SessionConfig(m, cost, cacheCosts, maxTokens), rec);
                    outcomes.put(m, s.run(prompt));
                }
                traces.put(m.id(), rec);
            }
        }
    }
}
