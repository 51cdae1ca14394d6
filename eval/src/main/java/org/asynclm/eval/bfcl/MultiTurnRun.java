package org.asynclm.eval.bfcl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import org.asynclm.bfcl.BfclData;
import org.asynclm.bfcl.BfclEntry;
import org.asynclm.bfcl.multiturn.BackendSession;
import org.asynclm.bfcl.multiturn.Py;
import org.asynclm.runtime.BadInputException;
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
import org.asynclm.runtime.prompt.ChatPrompt.Turn;
import org.asynclm.runtime.prompt.FunctionListing;
import org.asynclm.runtime.scenario.LatencyDistribution;
import org.asynclm.runtime.tokens.Tokenizer;

/**
 * Runs a model on BFCL's multi-turn entries against the Java backends and returns BFCL's multi-turn results (per
 * entry, a list of turns, each a list of the model's raw responses), which {@link MultiTurnChecker} scores.
 * <ul>
 *   <li>{@code sync}: BFCL's prompting protocol. Each turn adds the user's message; the model answers, its calls are
 *       decoded and executed, their results go back as tool messages, and it answers again, until a response decodes
 *       to no call. After more than 20 steps in a turn the entry is force-quit and its later turns are not run.</li>
 *   <li>{@code async}: the CML prompt with each function's {@code estimated_time_ms}; each turn is one run of the
 *       async runtime in which the backends are the tools, so each call's real result arrives as an interrupt while
 *       the model keeps writing. The calls it wrote, in order, are the turn's one response.</li>
 * </ul>
 * In miss_func entries the held-out functions are hidden until their turn, whose message then announces them, as
 * BFCL does (for prompting, the message carries their docs; in the CML prompt they join the function list).
 */
public final class MultiTurnRun {
    /** BFCL's MAXIMUM_STEP_LIMIT. */
    static final int MAXIMUM_STEP_LIMIT = 20;
    static final String MORE_FUNCTIONS = "I have updated some more functions you can choose from. What about now?";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Supplier<Engine> engines;
    private final Tokenizer tokenizer;
    private final int maxTokens;
    private final long seed;
    private final BfclData data;

    public MultiTurnRun(Supplier<Engine> engines, Tokenizer tokenizer, int maxTokens, long seed, BfclData data) {
        this.engines = engines;
        this.tokenizer = tokenizer;
        this.maxTokens = maxTokens;
        this.seed = seed;
        this.data = data;
    }

    public Map<String, JsonNode> run(List<BfclEntry> entries, String mode, IntConsumer progress)
            throws BadInputException {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (BfclEntry e : entries) {
            Functions f = functions(e);
            try {
                out.put(e.id(), mode.equals("async") ? async(e, f) : sync(e, f));
            } catch (ContextFull full) {
                // as a served model's refusal ends BFCL's inference: the result is no list, an inference_error
                out.put(e.id(), new TextNode("Error during inference phase: " + full.getMessage()));
            }
            progress.accept(out.size());
        }
        return out;
    }

    /** A prompt longer than the model's context: the entry cannot be run. */
    static final class ContextFull extends Exception {
        ContextFull(int tokens, int context) {
            super("the prompt has " + tokens + " tokens, more than the model's context of " + context);
        }
    }

    private static int[] fitting(Engine engine, int[] prompt) throws ContextFull {
        if (prompt.length >= engine.maxContext()) {
            throw new ContextFull(prompt.length, engine.maxContext());
        }
        return prompt;
    }

    /** The docs shown from the start, and those held out until a turn (miss_func), by turn index. */
    record Functions(List<ObjectNode> shown, Map<Integer, List<ObjectNode>> heldOut) {
        List<ObjectNode> upTo(int turn) {
            List<ObjectNode> all = new ArrayList<>(shown);
            heldOut.forEach((t, docs) -> {
                if (t <= turn) {
                    all.addAll(docs);
                }
            });
            return all;
        }
    }

    private Functions functions(BfclEntry e) throws BadInputException {
        List<ObjectNode> shown = new ArrayList<>();
        for (JsonNode c : e.question().get("involved_classes")) {
            data.functionDocs(c.asText()).forEach(d -> shown.add((ObjectNode) d));
        }
        Map<Integer, List<ObjectNode>> heldOut = new LinkedHashMap<>();
        e.question().path("missed_function").fields().forEachRemaining(turn -> {
            List<ObjectNode> docs = new ArrayList<>();
            for (JsonNode name : turn.getValue()) {
                shown.stream().filter(d -> d.get("name").asText().equals(name.asText())).findFirst().ifPresent(d -> {
                    shown.remove(d);
                    docs.add(d);
                });
            }
            heldOut.put(Integer.parseInt(turn.getKey()), docs);
        });
        return new Functions(shown, heldOut);
    }

    /** The turn's user messages; a held-out turn has none and gets BFCL's announcement instead. */
    private static List<Turn> userMessages(BfclEntry e, int turn, Functions f, boolean withDocs) {
        List<Turn> out = new ArrayList<>();
        if (f.heldOut().containsKey(turn)) {
            String docs = withDocs ? Py.repr(Py.fromJson(JSON.valueToTree(f.heldOut().get(turn)))) + "\n" : "";
            out.add(new Turn("user", docs + MORE_FUNCTIONS));
            return out;
        }
        for (JsonNode m : e.question().get("question").get(turn)) {
            out.add(new Turn(m.path("role").asText("user"), m.path("content").asText()));
        }
        return out;
    }

    /**
     * One engine holds the whole conversation: each step appends only what is new (the tool results, the next
     * user message) to the context the model already has, instead of prefilling everything again.
     */
    private JsonNode sync(BfclEntry e, Functions f) throws ContextFull {
        BackendSession backends = MultiTurnChecker.session(e);
        ArrayNode result = JsonNodeFactory.instance.arrayNode();
        List<Turn> unread = new ArrayList<>(); // messages the model's context does not hold yet
        unread.add(new Turn("system", BfclPrompt.system(JSON.valueToTree(f.shown()), Language.PYTHON)));
        int turns = e.question().get("question").size();
        try (Engine engine = engines.get()) {
            for (int t = 0; t < turns; t++) {
                unread.addAll(userMessages(e, t, f, true));
                ArrayNode steps = result.addArray();
                for (int step = 0; ; step++) {
                    if (step >= MAXIMUM_STEP_LIMIT + 1) {
                        return result; // force-quit: the later turns are not run, so the checker sees fewer turns
                    }
                    read(engine, unread);
                    String text = answer(engine);
                    steps.add(text);
                    List<MultiTurnChecker.Call> calls = MultiTurnChecker.decodeStep(new TextNode(text));
                    if (calls.isEmpty()) {
                        break;
                    }
                    for (MultiTurnChecker.Call c : calls) {
                        unread.add(new Turn("ipython", backends.execute(c.function(), List.of(), c.keywords())));
                    }
                }
            }
        }
        return result;
    }

    /** Puts the unread messages into the model's context: the first ones as the prompt, later ones appended. */
    private void read(Engine engine, List<Turn> unread) throws ContextFull {
        boolean first = engine.contextLength() == 0;
        int[] tokens = tokenizer.encode(first ? ChatPrompt.render(unread) : ChatPrompt.continuation(unread));
        if (engine.contextLength() + tokens.length >= engine.maxContext()) {
            throw new ContextFull(engine.contextLength() + tokens.length, engine.maxContext());
        }
        if (first) {
            engine.prefill(tokens);
        } else {
            engine.append(tokens);
        }
        unread.clear();
    }

    /** The model's answer, to its end of turn; an answer cut by --max-tokens gets the end-of-turn token appended. */
    private String answer(Engine engine) {
        TokenMonitor monitor = new TokenMonitor(tokenizer);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < maxTokens; i++) {
            int token = engine.decode(monitor);
            if (monitor.isEndOfTurn(token)) {
                return text.toString();
            }
            text.append(monitor.accept(token, new ArrayList<>()));
        }
        engine.append(new int[] {tokenizer.endOfTurnId()});
        return text.toString();
    }

    private JsonNode async(BfclEntry e, Functions f) throws ContextFull {
        BackendSession backends = MultiTurnChecker.session(e);
        SplittableRandom rng = new SplittableRandom(seed ^ e.id().hashCode());
        Map<String, Long> estimates = new LinkedHashMap<>();
        ArrayNode result = JsonNodeFactory.instance.arrayNode();
        List<Turn> conversation = new ArrayList<>();
        int turns = e.question().get("question").size();
        for (int t = 0; t < turns; t++) {
            Map<String, Tool> tools = new LinkedHashMap<>();
            for (ObjectNode doc : f.upTo(t)) {
                String name = doc.get("name").asText();
                long estimate = estimates.computeIfAbsent(name,
                        n -> Math.round(LatencyDistribution.PAPER_EVAL_TOOLS.sampleMs(rng) * 1e6));
                tools.put(name, new BackendTool(doc, estimate, backends));
            }
            conversation.addAll(userMessages(e, t, f, false));
            List<Turn> prompt = new ArrayList<>();
            prompt.add(new Turn("system", ChatPrompt.system(tools.values(), FunctionListing.JSON)));
            prompt.addAll(conversation);
            VirtualClock clock = new VirtualClock();
            Outcome o;
            try (Engine engine = engines.get(); VirtualToolExecutor executor = new VirtualToolExecutor(clock, 0)) {
                Session s = new Session(engine, tokenizer, clock, executor, tools,
                        new SessionConfig(Method.ASYNC, CostModel.local(5, 0), CacheCosts.SINGLE_USER, maxTokens), null);
                o = s.run(fitting(engine, tokenizer.encode(ChatPrompt.render(prompt))));
            }
            List<String> calls = new ArrayList<>();
            for (CallRecord r : o.calls()) {
                calls.add(r.body());
            }
            result.addArray().add("[" + String.join(", ", calls) + "]");
            conversation.add(new Turn("assistant", o.transcript()));
        }
        return result;
    }

    /**
     * A backend method as an async tool: shown with its estimate; the call executes on the entry's backends when it
     * is issued (so the backends change in the order the model wrote its calls, as the checker replays them) and
     * its result arrives after the estimate. A result that is JSON (a dict) arrives as JSON, any other as text.
     */
    private record BackendTool(ObjectNode doc, long estimate, BackendSession backends) implements Tool {
        @Override
        public String name() {
            return doc.get("name").asText();
        }

        @Override
        public ObjectNode schema() {
            ObjectNode schema = doc.deepCopy();
            schema.remove("response"); // as datagen's traces show functions
            return schema.put("estimated_time_ms", Math.round(estimate / 1e3) / 1e3);
        }

        @Override
        public long estimatedNanos() {
            return estimate;
        }

        @Override
        public Object invoke(Invocation inv) throws InterruptedException {
            String result = backends.execute(name(), List.of(), inv.arguments());
            inv.sleep(estimate);
            return BackendSession.readable(result);
        }
    }
}
