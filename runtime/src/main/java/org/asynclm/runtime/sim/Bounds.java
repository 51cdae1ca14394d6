package org.asynclm.runtime.sim;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.asynclm.cml.CmlWriter;
import org.asynclm.runtime.scenario.Scenario;
import org.asynclm.runtime.scenario.ScenarioCall;
import org.asynclm.runtime.tokens.Tokenizer;

/**
 * Per-call decode times G and execution times E of a scenario, the lower bound on any schedule, and the paper's
 * closed forms for independent calls.
 */
public record Bounds(Scenario scenario, List<ScenarioCall> calls, Map<String, Long> decodeNanos) {

    public static Bounds of(Scenario scenario, Tokenizer tokenizer, long tpotNanos) {
        Map<String, Long> g = new HashMap<>();
        Map<String, JsonNode> results = scenario.trueResults();
        for (ScenarioCall c : scenario.calls()) {
            String block = CmlWriter.call(c.id(), c.function(), Scenario.resolve(c, results));
            g.put(c.id(), tokenizer.count(block) * tpotNanos);
        }
        return new Bounds(scenario, scenario.calls(), g);
    }

    public long decode(ScenarioCall c) {
        return decodeNanos.get(c.id());
    }

    public long totalDecode() {
        return calls.stream().mapToLong(this::decode).sum();
    }

    /**
     * max(total decode of the call blocks, longest dependency path of decode + execution); a call asked for in a
     * follow-up starts its path no earlier than the follow-up arrives.
     */
    public long lowerBound() {
        Map<String, Long> finish = new HashMap<>();
        long longest = 0;
        for (ScenarioCall c : topological()) {
            long start = scenario.releaseNanos(c);
            for (String d : c.deps()) {
                start = Math.max(start, finish.get(d));
            }
            long f = start + decode(c) + c.execNanos();
            finish.put(c.id(), f);
            longest = Math.max(longest, f);
        }
        return Math.max(totalDecode(), longest);
    }

    /** L_Sync = ΣG + ΣE. */
    public long closedFormSync() {
        return totalDecode() + calls.stream().mapToLong(ScenarioCall::execNanos).sum();
    }

    /** L_SyncParallel = ΣG + max E (independent calls). */
    public long closedFormSyncParallel() {
        return totalDecode() + calls.stream().mapToLong(ScenarioCall::execNanos).max().orElse(0);
    }

    /** L_Async(LPT) = max_i (Σ_{j≤i} G(f_j) + E(f_i)) over calls in descending E (independent calls). */
    public long closedFormAsyncLpt() {
        List<ScenarioCall> byE = new ArrayList<>(calls);
        byE.sort((a, b) -> Long.compare(b.execNanos(), a.execNanos()));
        long prefix = 0;
        long best = 0;
        for (ScenarioCall c : byE) {
            prefix += decode(c);
            best = Math.max(best, prefix + c.execNanos());
        }
        return best;
    }

    private List<ScenarioCall> topological() {
        List<ScenarioCall> out = new ArrayList<>();
        Map<String, Boolean> placed = new HashMap<>();
        while (out.size() < calls.size()) {
            for (ScenarioCall c : calls) {
                if (!placed.containsKey(c.id()) && c.deps().stream().allMatch(placed::containsKey)) {
                    placed.put(c.id(), true);
                    out.add(c);
                }
            }
        }
        return out;
    }
}
