package org.asynclm.runtime.teacher;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.ToLongFunction;
import org.asynclm.runtime.scenario.Scenario;
import org.asynclm.runtime.scenario.ScenarioCall;

/** The order in which a perfect model issues the calls that are ready. */
public interface Policy {

    String name();

    /** The ready calls, first to be issued first (a Sync-Parallel bundle is written in this order). */
    List<ScenarioCall> order(List<ScenarioCall> ready);

    /** The call to issue now, or null to wait for a result first. Work-conserving policies never wait. */
    default ScenarioCall next(List<ScenarioCall> ready, Schedule schedule) {
        return order(ready).get(0);
    }

    /** What the teacher knows of time: now, and when a call's inputs are expected to be known. */
    interface Schedule {
        long now();

        /** When every input of {@code call} should be known; Long.MAX_VALUE while one of them is not issued. */
        long expectedReady(ScenarioCall call);

        List<ScenarioCall> unissued();
    }

    /**
     * {@code lpt}: among ready calls, longest estimated time first (the paper). {@code critical-path}: calls in order
     * of their longest remaining path of decode plus estimated execution; when the most critical call is still
     * waiting for an input, the model either writes the most critical ready call or waits, whichever gives the
     * earlier estimated end: the later of the two calls' paths and of the decoding left, one block after another
     * (this is how it finds a-c-b where LPT writes b-a-c). {@code random}: a seeded shuffle (ablation). Ties keep
     * scenario order.
     */
    static Policy create(PolicyName name, Scenario scenario, ToLongFunction<ScenarioCall> decodeNanos, long seed) {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < scenario.calls().size(); i++) {
            index.put(scenario.calls().get(i).id(), i);
        }
        Comparator<ScenarioCall> lpt = Comparator.comparingLong(ScenarioCall::estimatedNanos).reversed()
                .thenComparing(c -> index.get(c.id()));
        return switch (name) {
            case LPT -> sorted("lpt", lpt);
            case CRITICAL_PATH -> {
                Map<String, Long> rank = remainingPath(scenario, decodeNanos);
                yield new CriticalPath(
                        Comparator.<ScenarioCall>comparingLong(c -> rank.get(c.id())).reversed().thenComparing(lpt),
                        rank, decodeNanos);
            }
            case RANDOM -> {
                SplittableRandom rng = new SplittableRandom(seed);
                yield new Policy() {
                    @Override
                    public String name() {
                        return "random";
                    }

                    @Override
                    public List<ScenarioCall> order(List<ScenarioCall> ready) {
                        List<ScenarioCall> out = new ArrayList<>(ready);
                        out.sort(Comparator.comparing(c -> index.get(c.id())));
                        for (int i = out.size() - 1; i > 0; i--) {
                            Collections.swap(out, i, rng.nextInt(i + 1));
                        }
                        return out;
                    }
                };
            }
        };
    }

    /**
     * Issues the calls in exactly this order, each as soon as its inputs are known, waiting when the next one's are
     * not. Every schedule of a perfect model is one of these, so trying them all finds the optimum.
     */
    static Policy fixed(List<String> issueOrder) {
        return new Policy() {
            @Override
            public String name() {
                return "fixed";
            }

            @Override
            public List<ScenarioCall> order(List<ScenarioCall> ready) {
                List<ScenarioCall> out = new ArrayList<>(ready);
                out.sort(Comparator.comparingInt(c -> issueOrder.indexOf(c.id())));
                return out;
            }

            @Override
            public ScenarioCall next(List<ScenarioCall> ready, Schedule schedule) {
                List<ScenarioCall> left = schedule.unissued();
                String first = left.stream().map(ScenarioCall::id).min(Comparator.comparingInt(issueOrder::indexOf))
                        .orElse(null);
                return ready.stream().filter(c -> c.id().equals(first)).findFirst().orElse(null);
            }
        };
    }

    private static Policy sorted(String name, Comparator<ScenarioCall> order) {
        return new Policy() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public List<ScenarioCall> order(List<ScenarioCall> ready) {
                List<ScenarioCall> out = new ArrayList<>(ready);
                out.sort(order);
                return out;
            }
        };
    }

    /** List scheduling by rank with a one-step look-ahead before waiting: see {@link #create}. */
    record CriticalPath(Comparator<ScenarioCall> byRank, Map<String, Long> rank,
                        ToLongFunction<ScenarioCall> decodeNanos) implements Policy {
        @Override
        public String name() {
            return "critical-path";
        }

        @Override
        public List<ScenarioCall> order(List<ScenarioCall> ready) {
            List<ScenarioCall> out = new ArrayList<>(ready);
            out.sort(byRank);
            return out;
        }

        @Override
        public ScenarioCall next(List<ScenarioCall> ready, Schedule schedule) {
            ScenarioCall r = order(ready).get(0);
            List<ScenarioCall> pending = new ArrayList<>(schedule.unissued());
            pending.sort(byRank);
            for (ScenarioCall w : pending) {
                if (w == r) {
                    return r;
                }
                long readyAt = schedule.expectedReady(w);
                if (readyAt == Long.MAX_VALUE) {
                    continue;
                }
                // w is more critical but waits for an input: write r now, or wait and write w first, whichever
                // ends the later of the two paths sooner.
                long now = schedule.now();
                long decodeLeft = pending.stream().mapToLong(decodeNanos).sum(); // one decoder writes every block
                long backfill = Math.max(Math.max(now + decodeNanos.applyAsLong(r), readyAt) + rank.get(w.id()),
                        Math.max(now + rank.get(r.id()), now + decodeLeft));
                long wait = Math.max(readyAt + rank.get(w.id()),
                        Math.max(readyAt + decodeNanos.applyAsLong(w) + rank.get(r.id()), readyAt + decodeLeft));
                return backfill <= wait ? r : null;
            }
            return r;
        }
    }

    /** Longest path of decode + estimated execution from each call to the end of the task. */
    static Map<String, Long> remainingPath(Scenario scenario, ToLongFunction<ScenarioCall> decodeNanos) {
        Map<String, List<ScenarioCall>> successors = new HashMap<>();
        for (ScenarioCall c : scenario.calls()) {
            for (String d : c.deps()) {
                successors.computeIfAbsent(d, k -> new ArrayList<>()).add(c);
            }
        }
        Map<String, Long> rank = new HashMap<>();
        List<ScenarioCall> calls = scenario.calls();
        // Repeated relaxation in reverse topological order; scenarios are DAGs, so |calls| passes suffice.
        for (int pass = 0; pass < calls.size(); pass++) {
            boolean changed = false;
            for (ScenarioCall c : calls) {
                long after = 0;
                for (ScenarioCall s : successors.getOrDefault(c.id(), List.of())) {
                    after = Math.max(after, rank.getOrDefault(s.id(), 0L));
                }
                long r = decodeNanos.applyAsLong(c) + c.estimatedNanos() + after;
                if (!Long.valueOf(r).equals(rank.get(c.id()))) {
                    rank.put(c.id(), r);
                    changed = true;
                }
            }
            if (!changed) {
                break;
            }
        }
        return rank;
    }
}
