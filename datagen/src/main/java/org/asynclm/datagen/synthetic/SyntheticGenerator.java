package org.asynclm.datagen.synthetic;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import org.asynclm.datagen.Task;
import org.asynclm.datagen.config.DatagenConfig;
import org.asynclm.datagen.config.Range;
import org.asynclm.runtime.CostModel;
import org.asynclm.runtime.scenario.FollowUp;
import org.asynclm.runtime.scenario.Ref;
import org.asynclm.runtime.scenario.Scenario;
import org.asynclm.runtime.scenario.ScenarioCall;

/**
 * Synthetic tasks as DAGs of calls over {@link FunctionPool}: independent calls, chains, fan-in (several short
 * chains joined by one call) and random layered DAGs. Each function's estimated time is drawn once per task and
 * shown to the model; each call's real time is the estimate times a noise factor. Optionally the last part of a
 * task arrives later as a user interrupt.
 */
public final class SyntheticGenerator {
    public static final List<String> SHAPES = List.of("parallel", "chains", "fan_in", "random");

    private final DatagenConfig.Synthetic shape;
    private final ToDoubleFunction<SplittableRandom> estimateMs;
    private final Range noise;

    /** Estimates uniform in {@code estimatedMs}, as datagen configs give them. */
    public SyntheticGenerator(DatagenConfig.Synthetic shape, Range estimatedMs, Range noise) {
        this(shape, estimatedMs::draw, noise);
    }

    /** Estimates drawn by {@code estimateMs}, for example a latency distribution with a given mean. */
    public SyntheticGenerator(DatagenConfig.Synthetic shape, ToDoubleFunction<SplittableRandom> estimateMs,
                              Range noise) {
        this.shape = shape;
        this.estimateMs = estimateMs;
        this.noise = noise;
    }

    /** Shape settings with every range fixed or defaulted, for callers that ask for one shape. */
    public static DatagenConfig.Synthetic shapes(Range parallelCalls, Range chains, Range chainLength) {
        return new DatagenConfig.Synthetic(Map.of("parallel", 1.0), parallelCalls, chains, chainLength,
                new Range(2, 4), new Range(1, 3), new Range(2, 4), 0, 0);
    }

    /** A task of the given shape with the schemas of the functions it uses. */
    public Task task(String kind, String name, SplittableRandom rng) {
        Scenario s = generate(kind, name, rng);
        List<ObjectNode> tools = new ArrayList<>();
        Map<String, Long> estimates = new LinkedHashMap<>();
        s.calls().forEach(c -> estimates.putIfAbsent(c.function(), c.estimatedNanos()));
        estimates.forEach((fn, est) -> tools.add(FunctionPool.schema(FunctionPool.template(fn), est)));
        return new Task(s, kind, null, tools);
    }

    public Scenario generate(String kind, String name, SplittableRandom rng) {
        Builder b = new Builder(rng);
        switch (kind) {
            case "parallel" -> {
                int n = shape.parallelCalls().drawInt(rng);
                for (int i = 0; i < n; i++) {
                    b.group();
                    b.source();
                }
            }
            case "chains" -> {
                int k = shape.chains().drawInt(rng);
                for (int c = 0; c < k; c++) {
                    b.group();
                    b.chain(b.source(), shape.chainLength().drawInt(rng) - 1);
                }
            }
            case "fan_in" -> {
                b.group();
                int w = shape.fanInWidth().drawInt(rng);
                List<String> tails = new ArrayList<>();
                for (int i = 0; i < w; i++) {
                    tails.add(b.chain(b.source(), rng.nextInt(2)));
                }
                b.join(tails);
            }
            case "random" -> {
                // Chains of random lengths, then perhaps a join of all their tails and a short chain after it.
                // Each chain is asked for in order, so "that" in a request always means the call asked for just
                // before it; a join's "all of that" means every chain before it.
                b.group();
                List<String> tails = new ArrayList<>();
                for (int i = shape.dagWidth().drawInt(rng); i > 0; i--) {
                    tails.add(b.chain(b.source(), rng.nextInt(shape.dagDepth().drawInt(rng))));
                }
                if (tails.size() > 1 && rng.nextBoolean()) {
                    b.chain(b.join(tails), rng.nextInt(3));
                }
            }
            default -> throw new IllegalArgumentException("unknown shape '" + kind + "'");
        }
        return b.build(kind, name);
    }

    /** A shape drawn by the configured weights. */
    public String drawShape(SplittableRandom rng) {
        double total = 0;
        for (String s : SHAPES) {
            total += shape.shapes().getOrDefault(s, 0.0);
        }
        double x = rng.nextDouble() * total;
        for (String s : SHAPES) {
            x -= shape.shapes().getOrDefault(s, 0.0);
            if (x < 0) {
                return s;
            }
        }
        return SHAPES.stream().filter(s -> shape.shapes().getOrDefault(s, 0.0) > 0).reduce((a, c) -> c).orElseThrow();
    }

    /** Accumulates the calls of one task. */
    private final class Builder {
        private final SplittableRandom rng;
        private final List<ScenarioCall> calls = new ArrayList<>();
        private final List<String> asks = new ArrayList<>();
        private final List<Integer> groupOfCall = new ArrayList<>();
        private final Map<String, FunctionPool.Template> templateOf = new HashMap<>();
        private final Map<String, Long> estimates = new HashMap<>();
        /** Per call, the index of the ask it answers (a failed attempt and its retry share one). */
        private final List<Integer> askOfCall = new ArrayList<>();
        private final Set<String> askedFor = new HashSet<>();
        private final Set<String> returned = new HashSet<>();
        private int group = -1;

        Builder(SplittableRandom rng) {
            this.rng = rng;
        }

        /** Starts an independent part of the task (the last one may become a follow-up). */
        void group() {
            group++;
        }

        /**
         * A call that needs nothing upstream. A task never asks for the same call twice: the draw is repeated until
         * the function and its values are new to the task.
         */
        String source() {
            List<FunctionPool.Template> sources = FunctionPool.sources();
            for (int attempt = 0; ; attempt++) {
                FunctionPool.Template t = sources.get(rng.nextInt(sources.size()));
                Map<String, Object> literals = drawLiterals(t);
                if (attempt < 100 && !askedFor.add(t.name() + literals)) {
                    continue;
                }
                return add(t, List.of(), literals);
            }
        }

        String step(String parent) {
            String entity = templateOf.get(parent).output();
            List<FunctionPool.Template> steps = FunctionPool.stepsFrom(entity);
            FunctionPool.Template t = steps.get(rng.nextInt(steps.size()));
            return add(t, List.of(parent), drawLiterals(t));
        }

        String chain(String head, int steps) {
            String last = head;
            for (int i = 0; i < steps; i++) {
                last = step(last);
            }
            return last;
        }

        String join(List<String> parents) {
            List<FunctionPool.Template> joins = FunctionPool.joins();
            FunctionPool.Template t = joins.get(rng.nextInt(joins.size()));
            return add(t, parents, drawLiterals(t));
        }

        private Map<String, Object> drawLiterals(FunctionPool.Template t) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (FunctionPool.Literal l : t.literals()) {
                out.put(l.name(), l.value().apply(rng));
            }
            return out;
        }

        /**
         * Adds the call, preceded, with probability {@code error_rate}, by a first attempt whose result is a transient
         * error: the call proper then depends on that attempt, so the teacher writes it again once the error arrives,
         * and a model sees how an error interrupt is answered.
         */
        private String add(FunctionPool.Template t, List<String> parents, Map<String, Object> literals) {
            Map<String, Object> args = new LinkedHashMap<>();
            if (t.join()) {
                List<Object> refs = new ArrayList<>();
                parents.forEach(p -> refs.add(new Ref(p, "/" + templateOf.get(p).output())));
                args.put(t.input(), refs);
            } else if (t.input() != null) {
                args.put(t.input(), new Ref(parents.get(0), "/" + t.input()));
            }
            args.putAll(literals);
            long estimate = estimates.computeIfAbsent(t.name(),
                    k -> CostModel.msToNanos(round3(estimateMs.applyAsDouble(rng))));
            List<String> deps = new ArrayList<>(parents);
            int ask = asks.size();
            if (shape.errorRate() > 0 && rng.nextDouble() < shape.errorRate()) {
                ObjectNode error = JsonNodeFactory.instance.objectNode();
                error.put("error", FunctionPool.pick(TRANSIENT_ERRORS, rng));
                String attempt = idFor(calls.size());
                calls.add(new ScenarioCall(attempt, t.name(), args, parents, estimate, actual(estimate), error));
                groupOfCall.add(group);
                askOfCall.add(ask);
                deps.add(attempt);
            }
            String id = idFor(calls.size());
            ObjectNode result = JsonNodeFactory.instance.objectNode();
            result.put(t.output(), freshValue(t.output()));
            calls.add(new ScenarioCall(id, t.name(), args, deps, estimate, actual(estimate), result));
            templateOf.put(id, t);
            groupOfCall.add(group);
            askOfCall.add(ask);
            String text = t.ask();
            for (Map.Entry<String, Object> e : literals.entrySet()) {
                text = text.replace("{" + e.getKey() + "}", String.valueOf(e.getValue()));
            }
            asks.add(text);
            return id;
        }

        private long actual(long estimate) {
            return CostModel.msToNanos(round3(estimate / 1e6 * noise.draw(rng)));
        }

        /** A result value no other call of the task returned, so every later call's arguments are distinct. */
        private String freshValue(String entity) {
            for (int attempt = 0; ; attempt++) {
                String v = (String) FunctionPool.ENTITIES.get(entity).apply(rng);
                if (returned.add(entity + "=" + v) || attempt >= 100) {
                    return v;
                }
            }
        }

        Scenario build(String kind, String name) {
            List<FollowUp> followUps = new ArrayList<>();
            int visibleAsks = asks.size();
            if (group > 0 && rng.nextDouble() < shape.userInterruptRate()) {
                List<String> later = new ArrayList<>();
                long visibleExec = 0;
                for (int i = 0; i < calls.size(); i++) {
                    if (groupOfCall.get(i) == group) {
                        later.add(calls.get(i).id());
                        visibleAsks = Math.min(visibleAsks, askOfCall.get(i));
                    } else {
                        visibleExec = Math.max(visibleExec, calls.get(i).execNanos());
                    }
                }
                long at = CostModel.msToNanos(round3(rng.nextDouble() * visibleExec / 1e6));
                followUps.add(new FollowUp("Also, " + sentence(asks.subList(visibleAsks, asks.size())), at, later));
            }
            String user = "Please " + sentence(asks.subList(0, visibleAsks));
            return new Scenario(name, user, calls, finalAnswer(), followUps);
        }

        private String finalAnswer() {
            StringBuilder sb = new StringBuilder("Done.");
            for (ScenarioCall c : calls) {
                boolean sink = templateOf.containsKey(c.id()) // not a failed attempt
                        && calls.stream().noneMatch(o -> o.deps().contains(c.id()));
                if (sink) {
                    String field = templateOf.get(c.id()).output();
                    sb.append(' ').append(field.replace('_', ' ')).append(' ').append(c.result().get(field).asText())
                            .append('.');
                }
            }
            return sb.toString();
        }
    }

    /** What a tool answers when it fails for a moment: the call is worth writing again. */
    private static final String[] TRANSIENT_ERRORS = {"service unavailable, try again", "timed out, try again",
            "rate limited, try again"};

    private static String sentence(List<String> asks) {
        if (asks.size() == 1) {
            return asks.get(0) + ".";
        }
        return String.join(", ", asks.subList(0, asks.size() - 1)) + " and " + asks.get(asks.size() - 1) + ".";
    }

    /** Short call ids: a..z, then aa, ab... */
    public static String idFor(int index) {
        StringBuilder sb = new StringBuilder();
        int i = index;
        do {
            sb.insert(0, (char) ('a' + i % 26));
            i = i / 26 - 1;
        } while (i >= 0);
        return sb.toString();
    }

    private static double round3(double ms) {
        return Math.round(ms * 1000) / 1000.0;
    }
}
