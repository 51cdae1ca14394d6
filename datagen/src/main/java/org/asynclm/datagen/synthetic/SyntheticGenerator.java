package org.asynclm.datagen.synthetic;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
                new Range(2, 4), new Range(1, 3), new Range(2, 4), 0);
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
                b.group();
                int depth = shape.dagDepth().drawInt(rng);
                List<String> previous = new ArrayList<>();
                for (int i = shape.dagWidth().drawInt(rng); i > 0; i--) {
                    previous.add(b.source());
                }
                for (int layer = 1; layer < depth; layer++) {
                    List<String> current = new ArrayList<>();
                    for (int i = shape.dagWidth().drawInt(rng); i > 0; i--) {
                        if (previous.size() > 1 && rng.nextInt(4) == 0) {
                            current.add(b.join(List.of(previous.get(0), previous.get(previous.size() - 1))));
                        } else {
                            current.add(b.step(previous.get(rng.nextInt(previous.size()))));
                        }
                    }
                    previous = current;
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
        private int group = -1;

        Builder(SplittableRandom rng) {
            this.rng = rng;
        }

        /** Starts an independent part of the task (the last one may become a follow-up). */
        void group() {
            group++;
        }

        String source() {
            List<FunctionPool.Template> sources = FunctionPool.sources();
            return add(sources.get(rng.nextInt(sources.size())), List.of());
        }

        String step(String parent) {
            String entity = templateOf.get(parent).output();
            List<FunctionPool.Template> steps = FunctionPool.stepsFrom(entity);
            return add(steps.get(rng.nextInt(steps.size())), List.of(parent));
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
            return add(joins.get(rng.nextInt(joins.size())), parents);
        }

        private String add(FunctionPool.Template t, List<String> parents) {
            String id = idFor(calls.size());
            Map<String, Object> args = new LinkedHashMap<>();
            Map<String, String> fill = new HashMap<>();
            if (t.join()) {
                List<Object> refs = new ArrayList<>();
                parents.forEach(p -> refs.add(new Ref(p, "/" + templateOf.get(p).output())));
                args.put(t.input(), refs);
            } else if (t.input() != null) {
                args.put(t.input(), new Ref(parents.get(0), "/" + t.input()));
            }
            for (FunctionPool.Literal l : t.literals()) {
                Object v = l.value().apply(rng);
                args.put(l.name(), v);
                fill.put(l.name(), String.valueOf(v));
            }
            ObjectNode result = JsonNodeFactory.instance.objectNode();
            Object value = FunctionPool.ENTITIES.get(t.output()).apply(rng);
            result.put(t.output(), (String) value);
            long estimate = estimates.computeIfAbsent(t.name(),
                    k -> CostModel.msToNanos(round3(estimateMs.applyAsDouble(rng))));
            long actual = CostModel.msToNanos(round3(estimate / 1e6 * noise.draw(rng)));
            calls.add(new ScenarioCall(id, t.name(), args, parents, estimate, actual, result));
            templateOf.put(id, t);
            groupOfCall.add(group);
            String ask = t.ask();
            for (Map.Entry<String, String> e : fill.entrySet()) {
                ask = ask.replace("{" + e.getKey() + "}", e.getValue());
            }
            asks.add(ask);
            return id;
        }

        Scenario build(String kind, String name) {
            List<FollowUp> followUps = new ArrayList<>();
            int visibleEnd = calls.size();
            if (group > 0 && rng.nextDouble() < shape.userInterruptRate()) {
                List<String> later = new ArrayList<>();
                List<String> laterAsks = new ArrayList<>();
                long visibleExec = 0;
                for (int i = 0; i < calls.size(); i++) {
                    if (groupOfCall.get(i) == group) {
                        later.add(calls.get(i).id());
                        laterAsks.add(asks.get(i));
                        visibleEnd = Math.min(visibleEnd, i);
                    } else {
                        visibleExec = Math.max(visibleExec, calls.get(i).execNanos());
                    }
                }
                long at = CostModel.msToNanos(round3(rng.nextDouble() * visibleExec / 1e6));
                followUps.add(new FollowUp("Also, " + sentence(laterAsks), at, later));
            }
            String user = "Please " + sentence(asks.subList(0, visibleEnd));
            return new Scenario(name, user, calls, finalAnswer(), followUps);
        }

        private String finalAnswer() {
            StringBuilder sb = new StringBuilder("Done.");
            for (ScenarioCall c : calls) {
                boolean sink = calls.stream().noneMatch(o -> o.deps().contains(c.id()));
                if (sink) {
                    String field = templateOf.get(c.id()).output();
                    sb.append(' ').append(field.replace('_', ' ')).append(' ').append(c.result().get(field).asText())
                            .append('.');
                }
            }
            return sb.toString();
        }
    }

    private static String sentence(List<String> asks) {
        if (asks.size() == 1) {
            return asks.get(0) + ".";
        }
        return String.join(", ", asks.subList(0, asks.size() - 1)) + " and " + asks.get(asks.size() - 1) + ".";
    }

    /** Short call ids: a..z, then aa, ab... */
    static String idFor(int index) {
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
