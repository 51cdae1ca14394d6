package org.asynclm.eval.bfcl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import org.asynclm.bfcl.BfclEntry;
import org.asynclm.runtime.CacheCosts;
import org.asynclm.runtime.CallRecord;
import org.asynclm.runtime.CostModel;
import org.asynclm.runtime.Engine;
import org.asynclm.runtime.Method;
import org.asynclm.runtime.Outcome;
import org.asynclm.runtime.Session;
import org.asynclm.runtime.SessionConfig;
import org.asynclm.runtime.TokenMonitor;
import org.asynclm.runtime.clock.VirtualClock;
import org.asynclm.runtime.exec.Invocation;
import org.asynclm.runtime.exec.Tool;
import org.asynclm.runtime.exec.VirtualToolExecutor;
import org.asynclm.runtime.prompt.ChatPrompt;
import org.asynclm.runtime.prompt.FunctionListing;
import org.asynclm.runtime.scenario.LatencyDistribution;
import org.asynclm.runtime.tokens.Tokenizer;

/**
 * Runs a model on BFCL entries and returns BFCL result strings. {@code sync}: BFCL's own prompt, and the model's
 * text is the result. {@code async}: the CML prompt with each function's {@code estimated_time_ms}; the model runs
 * in the async runtime against tools that answer {"status": "ok"} after their time, and the calls it wrote, in
 * order, become the result {@code [f(a=1), g(b=2)]}.
 */
public final class BfclRun {
    private final Supplier<Engine> engines;
    private final Tokenizer tokenizer;
    private final int maxTokens;
    private final long seed;

    public BfclRun(Supplier<Engine> engines, Tokenizer tokenizer, int maxTokens, long seed) {
        this.engines = engines;
        this.tokenizer = tokenizer;
        this.maxTokens = maxTokens;
        this.seed = seed;
    }

    public Map<String, String> run(List<BfclEntry> entries, String category, String mode, IntConsumer progress) {
        Map<String, String> out = new LinkedHashMap<>();
        for (BfclEntry e : entries) {
            out.put(e.id(), mode.equals("async") ? async(e) : sync(e, Language.of(category)));
            progress.accept(out.size());
        }
        return out;
    }

    private String sync(BfclEntry e, Language language) {
        String prompt = ChatPrompt.render(BfclPrompt.system(e.question().get("function"), language), user(e));
        try (Engine engine = engines.get()) {
            TokenMonitor monitor = new TokenMonitor(tokenizer);
            engine.prefill(tokenizer.encode(prompt));
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < maxTokens; i++) {
                int t = engine.decode(monitor);
                if (monitor.isEndOfTurn(t)) {
                    break;
                }
                text.append(monitor.accept(t, new ArrayList<>()));
            }
            return text.toString();
        }
    }

    private String async(BfclEntry e) {
        SplittableRandom rng = new SplittableRandom(seed ^ e.id().hashCode());
        Map<String, Tool> tools = new LinkedHashMap<>();
        for (JsonNode f : e.question().get("function")) {
            long estimate = Math.round(LatencyDistribution.PAPER_EVAL_TOOLS.sampleMs(rng) * 1e6);
            tools.put(f.get("name").asText(), new StatusTool((ObjectNode) f, estimate));
        }
        VirtualClock clock = new VirtualClock();
        try (Engine engine = engines.get(); VirtualToolExecutor executor = new VirtualToolExecutor(clock, 0)) {
            Session s = new Session(engine, tokenizer, clock, executor, tools,
                    new SessionConfig(Method.ASYNC, CostModel.local(5, 0), CacheCosts.SINGLE_USER, maxTokens), null);
            String system = ChatPrompt.system(tools.values(), FunctionListing.JSON); // as datagen lists BFCL's
            Outcome o = s.run(tokenizer.encode(ChatPrompt.render(system, user(e))));
            List<String> calls = new ArrayList<>();
            for (CallRecord r : o.calls()) {
                calls.add(r.body());
            }
            return "[" + String.join(", ", calls) + "]";
        }
    }

    private static String user(BfclEntry e) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode m : e.question().path("question").path(0)) {
            if (m.path("role").asText().equals("user")) {
                sb.append(sb.isEmpty() ? "" : "\n").append(m.path("content").asText());
            }
        }
        return sb.toString();
    }

    /** A BFCL function in the async runtime: shown with its estimate, answers {"status": "ok"} after it. */
    private record StatusTool(ObjectNode doc, long estimate) implements Tool {
        @Override
        public String name() {
            return doc.get("name").asText();
        }

        @Override
        public ObjectNode schema() {
            return doc.deepCopy().put("estimated_time_ms", Math.round(estimate / 1e3) / 1e3);
        }

        @Override
        public long estimatedNanos() {
            return estimate;
        }

        @Override
        public Object invoke(Invocation inv) throws InterruptedException {
            inv.sleep(estimate);
            return JsonNodeFactory.instance.objectNode().put("status", "ok");
        }
    }
}
