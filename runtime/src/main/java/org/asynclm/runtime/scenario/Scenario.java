package org.asynclm.runtime.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.asynclm.cml.CmlToken;
import org.asynclm.cml.CmlWriter;

/**
 * A task as a DAG of calls, with what the user asked, the short answer that closes the turn, and follow-up messages
 * that reveal more calls while the model works.
 */
public record Scenario(String name, String userPrompt, List<ScenarioCall> calls, String finalAnswer,
                       List<FollowUp> followUps) {

    public Scenario {
        calls = List.copyOf(calls);
        followUps = followUps.stream().sorted(Comparator.comparingLong(FollowUp::atNanos)).toList();
        validate(calls);
        validateFollowUps(calls, followUps);
    }

    public Scenario(String name, String userPrompt, List<ScenarioCall> calls, String finalAnswer) {
        this(name, userPrompt, calls, finalAnswer, List.of());
    }

    /** The earliest time a call can be known: its follow-up's arrival, or 0. */
    public long releaseNanos(ScenarioCall call) {
        for (FollowUp f : followUps) {
            if (f.calls().contains(call.id())) {
                return f.atNanos();
            }
        }
        return 0;
    }

    private static void validateFollowUps(List<ScenarioCall> calls, List<FollowUp> followUps) {
        Set<String> ids = new HashSet<>();
        calls.forEach(c -> ids.add(c.id()));
        Set<String> seen = new HashSet<>();
        for (FollowUp f : followUps) {
            for (String c : f.calls()) {
                if (!ids.contains(c)) {
                    throw new IllegalArgumentException("follow-up names unknown call '" + c + "'");
                }
                if (!seen.add(c)) {
                    throw new IllegalArgumentException("call '" + c + "' is in two follow-ups");
                }
            }
        }
    }

    public ScenarioCall call(String id) {
        for (ScenarioCall c : calls) {
            if (c.id().equals(id)) {
                return c;
            }
        }
        throw new IllegalArgumentException("no call '" + id + "'");
    }

    /** No dependencies and no follow-ups: the paper's closed forms apply. */
    public boolean independent() {
        return followUps.isEmpty() && calls.stream().allMatch(c -> c.deps().isEmpty());
    }

    /**
     * The same task with its calls' ids renamed by {@code ids} (old to new; ids it lacks stay), in deps, references
     * and follow-ups too, and calls listed in the order of their new ids.
     */
    public Scenario renamed(Map<String, String> ids) {
        List<ScenarioCall> out = new ArrayList<>();
        for (ScenarioCall c : calls) {
            Map<String, Object> args = new LinkedHashMap<>();
            c.arguments().forEach((k, v) -> args.put(k, mapRefs(v,
                    r -> new Ref(ids.getOrDefault(r.call(), r.call()), r.pointer()))));
            out.add(new ScenarioCall(ids.getOrDefault(c.id(), c.id()), c.function(), args,
                    c.deps().stream().map(d -> ids.getOrDefault(d, d)).toList(), c.estimatedNanos(), c.execNanos(),
                    c.result()));
        }
        out.sort(Comparator.comparing(ScenarioCall::id, Comparator.comparingInt(String::length)
                .thenComparing(Comparator.naturalOrder())));
        List<FollowUp> follow = followUps.stream().map(f -> new FollowUp(f.text(), f.atNanos(),
                f.calls().stream().map(c -> ids.getOrDefault(c, c)).toList())).toList();
        return new Scenario(name, userPrompt, out, finalAnswer, follow);
    }

    /** {@code v} with every {@link Ref} in it, however deep in lists and dicts, replaced by {@code f}'s value. */
    private static Object mapRefs(Object v, Function<Ref, Object> f) {
        if (v instanceof Ref r) {
            return f.apply(r);
        }
        if (v instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            list.forEach(x -> out.add(mapRefs(x, f)));
            return out;
        }
        if (v instanceof Map<?, ?> map) {
            Map<Object, Object> out = new LinkedHashMap<>();
            map.forEach((k, x) -> out.put(k, mapRefs(x, f)));
            return out;
        }
        return v;
    }

    /** The call's arguments with every {@link Ref} resolved against {@code results} (id to result). */
    public static Map<String, Object> resolve(ScenarioCall call, Map<String, JsonNode> results) {
        Map<String, Object> out = new LinkedHashMap<>();
        call.arguments().forEach((k, v) -> out.put(k, resolveValue(v, results)));
        return out;
    }

    private static Object resolveValue(Object v, Map<String, JsonNode> results) {
        return mapRefs(v, r -> {
            JsonNode source = results.get(r.call());
            if (source == null) {
                throw new IllegalStateException("result of '" + r.call() + "' is not known yet");
            }
            return CmlWriter.fromJson(source.at(r.pointer()));
        });
    }

    /** The call block a perfect model writes for {@code call}, given the true upstream results. */
    public String callBlock(ScenarioCall call) {
        return CmlWriter.call(call.id(), call.function(), resolve(call, trueResults()));
    }

    /** Every call's result by id. */
    public Map<String, JsonNode> trueResults() {
        Map<String, JsonNode> results = new HashMap<>();
        calls.forEach(c -> results.put(c.id(), c.result()));
        return results;
    }

    private static void validate(List<ScenarioCall> calls) {
        Map<String, ScenarioCall> byId = new HashMap<>();
        for (ScenarioCall c : calls) {
            if (!CmlToken.isValidId(c.id()) || CmlToken.isReservedId(c.id())) {
                throw new IllegalArgumentException("call id '" + c.id() + "' must be a Python identifier other than "
                        + "'user' and 'runtime'");
            }
            if (byId.put(c.id(), c) != null) {
                throw new IllegalArgumentException("call id '" + c.id() + "' is used twice");
            }
            if (c.execNanos() < 0) {
                throw new IllegalArgumentException("call '" + c.id() + "': execution time must not be negative");
            }
        }
        for (ScenarioCall c : calls) {
            for (String d : c.deps()) {
                if (!byId.containsKey(d)) {
                    throw new IllegalArgumentException("call '" + c.id() + "' depends on unknown call '" + d + "'");
                }
            }
            for (String r : refsOf(c.arguments().values())) {
                if (!c.deps().contains(r)) {
                    throw new IllegalArgumentException("call '" + c.id() + "' copies from '" + r
                            + "' but does not list it in deps");
                }
            }
        }
        Set<String> done = new HashSet<>();
        Set<String> visiting = new HashSet<>();
        for (ScenarioCall c : calls) {
            checkAcyclic(c, byId, done, visiting);
        }
    }

    private static void checkAcyclic(ScenarioCall c, Map<String, ScenarioCall> byId, Set<String> done,
                                     Set<String> visiting) {
        if (done.contains(c.id())) {
            return;
        }
        if (!visiting.add(c.id())) {
            throw new IllegalArgumentException("dependency cycle through call '" + c.id() + "'");
        }
        for (String d : c.deps()) {
            checkAcyclic(byId.get(d), byId, done, visiting);
        }
        visiting.remove(c.id());
        done.add(c.id());
    }

    static Set<String> refsOf(Iterable<?> values) {
        Set<String> out = new HashSet<>();
        for (Object v : values) {
            if (v instanceof Ref r) {
                out.add(r.call());
            } else if (v instanceof List<?> l) {
                out.addAll(refsOf(l));
            } else if (v instanceof Map<?, ?> m) {
                out.addAll(refsOf(m.values()));
            }
        }
        return out;
    }
}
