package org.asynclm.datagen.bfcl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import org.asynclm.bfcl.BfclData;
import org.asynclm.bfcl.BfclEntry;
import org.asynclm.bfcl.multiturn.BackendClass;
import org.asynclm.bfcl.multiturn.BackendSession;
import org.asynclm.bfcl.multiturn.Py;
import org.asynclm.cml.CmlWriter;
import org.asynclm.cml.PyCall;
import org.asynclm.cml.PySyntaxException;
import org.asynclm.datagen.LatencyDataset;
import org.asynclm.datagen.Task;
import org.asynclm.datagen.TaskSource;
import org.asynclm.datagen.config.DatagenConfig;
import org.asynclm.runtime.BadInputException;
import org.asynclm.runtime.CostModel;
import org.asynclm.runtime.scenario.FollowUp;
import org.asynclm.runtime.scenario.Scenario;
import org.asynclm.runtime.scenario.ScenarioCall;

/**
 * Tasks from BFCL data. {@code bfcl-parallel}: the parallel and parallel_multiple categories, independent calls
 * with ground-truth arguments and results shaped by the functions' response schemas. {@code bfcl-multi-turn}: the
 * first round of multi_turn_base, a chain (each call runs on the state the previous one left), whose results are
 * real: the calls run on the Java port of BFCL's backends. {@code bfcl-multi-step-parallel}: three distinct first
 * rounds in one task, as the paper's v3-multi-step-parallel. Entries are split into train and eval by a hash of their id and the seed.
 */
public final class BfclTasks {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    /**
     * A BFCL entry turned into calls (ids assigned later), with its functions and request text, and for multi-turn
     * entries the real result of each call (null for single-turn entries, whose functions BFCL does not implement).
     */
    record Entry(String id, String question, List<String> functions, List<Map<String, Object>> arguments,
                 Map<String, JsonNode> docs, List<JsonNode> results) {
    }

    private BfclTasks() {
    }

    public static TaskSource create(DatagenConfig c, Path dir) throws BadInputException {
        BfclData data = new BfclData(dir);
        String split = c.bfcl().split().id();
        List<Entry> pool = new ArrayList<>();
        boolean chains = c.source() != DatagenConfig.Source.BFCL_PARALLEL;
        if (chains) {
            for (BfclEntry e : data.entries("multi_turn_base", true)) {
                Entry entry = multiTurn(data, e);
                if (entry != null && split(e.id(), c.seed(), c.bfcl().trainFraction()).equals(split)) {
                    pool.add(entry);
                }
            }
        } else {
            for (String category : List.of("parallel", "parallel_multiple")) {
                for (BfclEntry e : data.entries(category, true)) {
                    if (split(e.id(), c.seed(), c.bfcl().trainFraction()).equals(split)) {
                        pool.add(parallel(e));
                    }
                }
            }
        }
        int needed = c.source() == DatagenConfig.Source.BFCL_MULTI_STEP_PARALLEL ? 3 : 1;
        if (pool.size() < needed) {
            throw new BadInputException(dir + ": the " + split + " split of " + c.source().id() + " has " + pool.size()
                    + " usable entries; need at least " + needed);
        }
        boolean allTools = c.bfcl().tools().equals("all");
        Map<String, Double> fixed = c.bfcl().estimatedMsByFunction();
        Set<String> known = new HashSet<>();
        pool.forEach(e -> known.addAll(e.docs().keySet()));
        for (String fn : fixed.keySet()) {
            if (!known.contains(fn)) {
                throw new BadInputException("bfcl.estimated_ms_by_function: '" + fn + "' is not a function of the "
                        + c.source().id() + " entries in " + dir);
            }
        }
        Timing timing = new Timing(c.estimatedMs()::draw, c.noise()::draw, false, fixed);
        return switch (c.source()) {
            case BFCL_PARALLEL -> (index, rng) -> task(List.of(pool.get((int) (index % pool.size()))), false,
                    "parallel", split, timing, rng, allTools, null);
            case BFCL_MULTI_TURN -> (index, rng) -> task(List.of(pool.get((int) (index % pool.size()))), true,
                    "multi-turn", split, timing, rng, allTools, null);
            default -> (index, rng) -> task(threeDistinct(pool, rng), true, "multi-step-parallel", split, timing, rng,
                    allTools, null);
        };
    }

    /**
     * How a task's times are drawn: estimates (one per function, as a schema shows them, or one per call for latency
     * experiments where each call runs for its own time), and the factor from estimate to real time.
     */
    record Timing(ToDoubleFunction<SplittableRandom> estimateMs, ToDoubleFunction<SplittableRandom> noise,
                  boolean perCall, Map<String, Double> fixedMs) {
        /** A function's estimate: its fixed one where the config names it, else a draw. */
        long estimateNanos(String function, SplittableRandom rng) {
            Double ms = fixedMs.get(function);
            return CostModel.msToNanos(Math.round((ms != null ? ms : estimateMs.applyAsDouble(rng)) * 1000) / 1000.0);
        }
    }

    /**
     * Scenarios for latency experiments, with tool times drawn by {@code latencyMs} serving as estimate and truth
     * (the paper's cheat sheet): every entry of a single-turn category (parallel, parallel_multiple, live_parallel,
     * live_parallel_multiple), or {@code n} multi-step-parallel tasks from the eval split. With
     * {@code userInterruptsNanos} (three times) the three requests of a multi-step-parallel task arrive as user
     * interrupts at those times instead of in the prompt, as in the paper's Fig. 8.
     */
    public static List<Scenario> forLatency(BfclData data, LatencyDataset set, int n, long seed, double trainFraction,
                                            ToDoubleFunction<SplittableRandom> latencyMs, long[] userInterruptsNanos)
            throws BadInputException {
        Timing timing = new Timing(latencyMs, r -> 1.0, true, Map.of());
        SplittableRandom seeds = new SplittableRandom(seed);
        List<Scenario> out = new ArrayList<>();
        String dataset = set.id();
        if (set == LatencyDataset.MULTI_STEP_PARALLEL) {
            List<Entry> pool = new ArrayList<>();
            for (BfclEntry e : data.entries("multi_turn_base", true)) {
                Entry entry = multiTurn(data, e);
                if (entry != null && split(e.id(), seed, trainFraction).equals("eval")) {
                    pool.add(entry);
                }
            }
            if (pool.size() < 3) {
                throw new BadInputException(data.dir() + ": the eval split of multi_turn_base has fewer than 3 entries");
            }
            for (int i = 0; i < n; i++) {
                SplittableRandom rng = new SplittableRandom(seeds.nextLong());
                out.add(task(threeDistinct(pool, rng), true, dataset, "eval", timing, rng, false, userInterruptsNanos)
                        .scenario());
            }
            return out;
        }
        if (userInterruptsNanos != null) {
            throw new BadInputException("--user-interrupts applies to the multi-step-parallel dataset only");
        }
        for (BfclEntry e : data.entries(dataset, true)) {
            if (out.size() == n) {
                break;
            }
            out.add(task(List.of(parallel(e)), false, dataset, null, timing, new SplittableRandom(seeds.nextLong()),
                    false, null).scenario());
        }
        return out;
    }

    /**
     * Three entries that share no call (the same function with the same arguments), so that the combined task never
     * asks for one call twice; after 1,000 draws without one, any three distinct entries.
     */
    private static List<Entry> threeDistinct(List<Entry> pool, SplittableRandom rng) {
        List<Entry> three = new ArrayList<>();
        Set<String> calls = new HashSet<>();
        int draws = 0;
        while (three.size() < 3) {
            Entry e = pool.get(rng.nextInt(pool.size()));
            Set<String> mine = new HashSet<>();
            for (int i = 0; i < e.functions().size(); i++) {
                mine.add(e.functions().get(i) + e.arguments().get(i));
            }
            boolean shares = mine.stream().anyMatch(calls::contains);
            if (!three.contains(e) && (!shares || ++draws > 1000)) {
                three.add(e);
                calls.addAll(mine);
            }
        }
        return three;
    }

    /** "train" or "eval": a 64-bit hash of the entry id mixed with the seed, compared with the train fraction. */
    public static String split(String entryId, long seed, double trainFraction) {
        long h = 0xcbf29ce484222325L;
        for (byte b : entryId.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        h ^= seed * 0x9E3779B97F4A7C15L;
        h = (h ^ (h >>> 33)) * 0xff51afd7ed558ccdL;
        h = (h ^ (h >>> 33)) * 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        double u = (h >>> 11) * 0x1.0p-53;
        return u < trainFraction ? "train" : "eval";
    }

    private static Task task(List<Entry> entries, boolean chained, String shape, String split, Timing timing,
                             SplittableRandom rng, boolean allTools, long[] arrivals) {
        List<ScenarioCall> calls = new ArrayList<>();
        Map<String, Long> estimates = new HashMap<>();
        List<String> questions = new ArrayList<>();
        for (int k = 0; k < entries.size(); k++) {
            Entry e = entries.get(k);
            questions.add(e.question());
            String prefix = entries.size() == 1 ? "" : String.valueOf((char) ('a' + k));
            String previous = null;
            for (int i = 0; i < e.functions().size(); i++) {
                String fn = e.functions().get(i);
                String id = entries.size() == 1 ? String.valueOf((char) ('a' + i)) : prefix + (i + 1);
                long drawn = timing.estimateNanos(fn, rng);
                long estimate = timing.perCall() ? drawn : estimates.computeIfAbsent(fn, f -> drawn);
                estimates.putIfAbsent(fn, drawn);
                long actual = CostModel.msToNanos(
                        Math.round(estimate / 1e6 * timing.noise().applyAsDouble(rng) * 1000) / 1000.0);
                List<String> deps = chained && previous != null ? List.of(previous) : List.of();
                JsonNode result = e.results() != null ? e.results().get(i) : result(e.docs().get(fn), rng);
                calls.add(new ScenarioCall(id, fn, e.arguments().get(i), deps, estimate, actual, result));
                previous = id;
            }
        }
        String user = entries.size() == 1 ? questions.get(0)
                : "Please handle these " + entries.size() + " requests. " + numbered(questions);
        List<FollowUp> followUps = new ArrayList<>();
        if (arrivals != null) {
            user = "Requests will arrive while you work; handle each as it comes.";
            for (int k = 0; k < entries.size(); k++) {
                String prefix = String.valueOf((char) ('a' + k));
                List<String> ids = calls.stream().map(ScenarioCall::id).filter(id -> id.startsWith(prefix)).toList();
                followUps.add(new FollowUp(questions.get(k), arrivals[k], ids));
            }
        }
        String name = "bfcl-" + shape + "-" + String.join("+", entries.stream().map(Entry::id).toList());
        List<ObjectNode> tools = new ArrayList<>();
        Map<String, JsonNode> shown = new LinkedHashMap<>();
        for (Entry e : entries) {
            if (allTools) {
                shown.putAll(e.docs());
            } else {
                e.functions().forEach(f -> shown.put(f, e.docs().get(f)));
            }
        }
        shown.forEach((fn, doc) -> {
            long estimate = estimates.computeIfAbsent(fn, f -> timing.estimateNanos(f, rng));
            ObjectNode schema = doc.deepCopy();
            schema.remove("response");
            schema.put("estimated_time_ms", Math.round(estimate / 1e3) / 1e3);
            tools.add(schema);
        });
        return new Task(new Scenario(name, user, calls, "All done.", followUps), shape, split, tools);
    }

    private static String numbered(List<String> questions) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < questions.size(); i++) {
            sb.append(i == 0 ? "" : " ").append('(').append(i + 1).append(") ").append(questions.get(i));
        }
        return sb.toString();
    }

    private static Entry parallel(BfclEntry e) throws BadInputException {
        Map<String, JsonNode> docs = new LinkedHashMap<>();
        e.question().path("function").forEach(d -> docs.put(d.get("name").asText(), d));
        List<String> functions = new ArrayList<>();
        List<Map<String, Object>> args = new ArrayList<>();
        for (JsonNode call : e.answer().path("ground_truth")) {
            String fn = call.fieldNames().next();
            JsonNode doc = docs.get(fn);
            if (doc == null) {
                throw new BadInputException(e.file() + ":" + e.line() + ": ground truth calls '" + fn
                        + "', which the entry's functions do not define");
            }
            Map<String, Object> a = new LinkedHashMap<>();
            call.get(fn).fields().forEachRemaining(p -> {
                JsonNode schema = doc.at("/parameters/properties/" + p.getKey());
                JsonNode chosen = firstAcceptable(p.getValue(), schema);
                if (chosen != null) {
                    a.put(p.getKey(), CmlWriter.fromJson(chosen));
                }
            });
            functions.add(fn);
            args.add(a);
        }
        return new Entry(e.id(), firstUserMessage(e), functions, args, docs, null);
    }

    private static Entry multiTurn(BfclData data, BfclEntry e) throws BadInputException {
        JsonNode firstRound = e.answer().path("ground_truth").path(0);
        if (!firstRound.isArray() || firstRound.isEmpty()) {
            return null;
        }
        Map<String, JsonNode> docs = new LinkedHashMap<>();
        for (JsonNode cls : e.question().path("involved_classes")) {
            for (JsonNode d : data.functionDocs(cls.asText())) {
                docs.put(d.get("name").asText(), d);
            }
        }
        List<String> functions = new ArrayList<>();
        List<Map<String, Object>> args = new ArrayList<>();
        for (JsonNode s : firstRound) {
            PyCall call;
            try {
                call = PyCall.parse(s.asText());
            } catch (PySyntaxException ex) {
                throw new BadInputException(data.answerFile("multi_turn_base") + ":" + e.line() + ": ground truth '"
                        + s.asText() + "': " + ex.getMessage());
            }
            JsonNode doc = docs.get(call.function());
            if (doc == null) {
                throw new BadInputException(data.answerFile("multi_turn_base") + ":" + e.line() + ": ground truth calls '"
                        + call.function() + "', which no involved class defines");
            }
            List<String> params = new ArrayList<>();
            doc.at("/parameters/properties").fieldNames().forEachRemaining(params::add);
            Map<String, Object> a = new LinkedHashMap<>();
            for (int i = 0; i < call.positional().size(); i++) {
                a.put(params.get(i), call.positional().get(i)); // BFCL's docs list parameters in call order
            }
            a.putAll(call.keywords());
            functions.add(call.function());
            args.add(a);
        }
        return new Entry(e.id(), firstUserMessage(e), functions, args, docs, realResults(e, firstRound));
    }

    /**
     * The first round's calls executed in order on the entry's backends (the Java port of BFCL's), each result as
     * the model would read it: a dict as JSON, anything else (None, an error) as BFCL's text.
     */
    @SuppressWarnings("unchecked")
    private static List<JsonNode> realResults(BfclEntry e, JsonNode round) {
        List<BackendClass> involved = new ArrayList<>();
        e.question().path("involved_classes").forEach(c -> involved.add(BackendClass.byPythonName(c.asText())));
        Map<Object, Object> config = (Map<Object, Object>) Py.fromJson(e.question().get("initial_config"));
        BackendSession backends = new BackendSession(config, involved, false);
        List<JsonNode> results = new ArrayList<>();
        for (JsonNode call : round) {
            results.add(BackendSession.readable(backends.execute(call.asText())));
        }
        return results;
    }

    /**
     * The first acceptable ground-truth value, skipping BFCL's {@code ""} ("may be omitted"); null when only
     * omission is listed. Dict parameters (and lists of dicts) hold acceptable-value lists one level down.
     */
    static JsonNode firstAcceptable(JsonNode acceptable, JsonNode schema) {
        for (JsonNode v : acceptable) {
            if (v.isTextual() && v.asText().isEmpty()) {
                continue;
            }
            return resolveNested(v, schema);
        }
        return null;
    }

    private static JsonNode resolveNested(JsonNode v, JsonNode schema) {
        String type = schema.path("type").asText();
        if (v.isObject() && type.equals("dict")) {
            ObjectNode out = F.objectNode();
            v.fields().forEachRemaining(f -> {
                JsonNode chosen = f.getValue().isArray()
                        ? firstAcceptable(f.getValue(), schema.at("/properties/" + f.getKey())) : f.getValue();
                if (chosen != null) {
                    out.set(f.getKey(), chosen);
                }
            });
            return out;
        }
        if (v.isArray() && schema.path("items").path("type").asText().equals("dict")) {
            ArrayNode out = F.arrayNode();
            v.forEach(item -> out.add(resolveNested(item, schema.get("items"))));
            return out;
        }
        return v;
    }

    /** A result shaped by the function's response schema where BFCL gives one, else a status. */
    private static JsonNode result(JsonNode doc, SplittableRandom rng) {
        JsonNode props = doc == null ? null : doc.at("/response/properties");
        ObjectNode out = F.objectNode();
        if (props == null || !props.isObject() || props.isEmpty()) {
            return out.put("status", "ok");
        }
        props.fields().forEachRemaining(p -> {
            switch (p.getValue().path("type").asText()) {
                case "boolean" -> out.put(p.getKey(), true);
                case "integer" -> out.put(p.getKey(), rng.nextInt(0, 1000));
                case "float", "number" -> out.put(p.getKey(), Math.round(rng.nextDouble(0, 1000) * 100) / 100.0);
                case "array" -> out.putArray(p.getKey());
                case "dict", "object" -> out.putObject(p.getKey());
                default -> out.put(p.getKey(), "ok");
            }
        });
        return out;
    }

    private static String firstUserMessage(BfclEntry e) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode m : e.question().path("question").path(0)) {
            if (m.path("role").asText().equals("user")) {
                sb.append(sb.isEmpty() ? "" : " ").append(m.path("content").asText());
            }
        }
        return sb.toString();
    }
}
