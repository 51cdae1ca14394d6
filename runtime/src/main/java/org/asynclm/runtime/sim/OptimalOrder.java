package org.asynclm.runtime.sim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.asynclm.runtime.CostModel;
import org.asynclm.runtime.EndState;
import org.asynclm.runtime.Method;
import org.asynclm.runtime.Outcome;
import org.asynclm.runtime.scenario.Scenario;
import org.asynclm.runtime.scenario.ScenarioCall;
import org.asynclm.runtime.teacher.Policy;
import org.asynclm.runtime.teacher.PolicyName;
import org.asynclm.runtime.teacher.TeacherEngine;
import org.asynclm.runtime.timeline.Timeline;
import org.asynclm.runtime.tokens.Tokenizer;

/**
 * The exact best issue order of a small task under Async: every order its dependencies allow is run through the
 * real runtime with {@link Policy#fixed}, so the optimum obeys the same timing rules as every policy it is
 * compared with (traps, interrupt placement, the final answer). Policies are measured against it, not only
 * against the lower bound, which no schedule may reach.
 */
public final class OptimalOrder {

    public record Result(List<String> order, long makespanNanos, long ordersTried) {
    }

    private OptimalOrder() {
    }

    /** How many issue orders the dependencies allow (linear extensions), counted over subsets of issued calls. */
    public static long count(Scenario s) {
        int n = s.calls().size();
        if (n > 20) { // 2^n subsets
            return Long.MAX_VALUE;
        }
        int[] needs = dependencyMasks(s);
        long[] ways = new long[1 << n];
        ways[0] = 1;
        for (int mask = 0; mask < ways.length; mask++) {
            if (ways[mask] == 0) {
                continue;
            }
            for (int c = 0; c < n; c++) {
                if ((mask & (1 << c)) == 0 && (needs[c] & mask) == needs[c]) {
                    ways[mask | (1 << c)] = Math.addExact(ways[mask | (1 << c)], ways[mask]);
                }
            }
        }
        return ways[ways.length - 1];
    }

    /** The best order, or empty when the task allows more than {@code limit} orders or has follow-ups. */
    public static Optional<Result> search(Scenario s, Tokenizer tokenizer, CostModel cost, int maxTokens, long limit) {
        if (!s.followUps().isEmpty() || count(s) > limit) {
            return Optional.empty();
        }
        List<List<String>> orders = new ArrayList<>();
        extend(s, dependencyMasks(s), 0, new ArrayList<>(), orders);
        Simulator.Prepared prepared = new Simulator(tokenizer, cost, PolicyName.LPT, 0, maxTokens).prepare(s);
        Result best = null;
        for (List<String> order : orders) {
            Simulator sim = new Simulator(tokenizer, cost, PolicyName.LPT, 0, maxTokens, (sc, m, clock, b) ->
                    new TeacherEngine(sc, Policy.fixed(order), m, tokenizer, clock, b::decode));
            Outcome o = sim.run(prepared, Method.ASYNC, Timeline.NONE);
            if (o.endState() != EndState.DONE) {
                throw new IllegalStateException(s.name() + ": order " + order + " ended " + o.endState());
            }
            if (best == null || o.makespanNanos() < best.makespanNanos()) {
                best = new Result(List.copyOf(order), o.makespanNanos(), orders.size());
            }
        }
        return Optional.ofNullable(best);
    }

    private static void extend(Scenario s, int[] needs, int issued, List<String> prefix, List<List<String>> out) {
        int n = s.calls().size();
        if (prefix.size() == n) {
            out.add(List.copyOf(prefix));
            return;
        }
        for (int c = 0; c < n; c++) {
            if ((issued & (1 << c)) == 0 && (needs[c] & issued) == needs[c]) {
                prefix.add(s.calls().get(c).id());
                extend(s, needs, issued | (1 << c), prefix, out);
                prefix.remove(prefix.size() - 1);
            }
        }
    }

    private static int[] dependencyMasks(Scenario s) {
        Map<String, Integer> index = new HashMap<>();
        List<ScenarioCall> calls = s.calls();
        for (int i = 0; i < calls.size(); i++) {
            index.put(calls.get(i).id(), i);
        }
        int[] needs = new int[calls.size()];
        for (int i = 0; i < calls.size(); i++) {
            for (String d : calls.get(i).deps()) {
                needs[i] |= 1 << index.get(d);
            }
        }
        return needs;
    }
}
