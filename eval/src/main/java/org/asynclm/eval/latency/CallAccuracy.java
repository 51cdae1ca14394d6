package org.asynclm.eval.latency;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.asynclm.cml.PyCall;
import org.asynclm.cml.PySyntaxException;
import org.asynclm.runtime.CallRecord;
import org.asynclm.runtime.Outcome;
import org.asynclm.runtime.scenario.Scenario;
import org.asynclm.runtime.scenario.ScenarioCall;

/**
 * The paper's accuracy for multi-step-parallel runs: a scenario is correct when every call the model wrote matches
 * a distinct ground-truth call exactly (function and arguments, upstream values resolved) and was written only after
 * the results it depends on were injected (a valid order), and no ground-truth call is left out.
 */
public final class CallAccuracy {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** How one run fared: calls matching the ground truth, calls in a valid order, and whether all of it held. */
    public record Verdict(int expected, int matched, int ordered, boolean correct) {
    }

    private CallAccuracy() {
    }

    public static Verdict check(Scenario scenario, Outcome outcome) {
        Map<String, JsonNode> truth = scenario.trueResults();
        List<ScenarioCall> open = new ArrayList<>(scenario.calls());
        Map<String, Long> injectedAt = new HashMap<>();
        Map<String, CallRecord> byTruth = new HashMap<>();
        int matched = 0;
        for (CallRecord r : outcome.calls()) {
            ScenarioCall hit = match(r, open, truth);
            if (hit != null) {
                open.remove(hit);
                byTruth.put(hit.id(), r);
                injectedAt.put(hit.id(), r.injectedAt());
                matched++;
            }
        }
        int ordered = 0;
        for (Map.Entry<String, CallRecord> e : byTruth.entrySet()) {
            boolean ok = true;
            for (String d : scenario.call(e.getKey()).deps()) {
                Long at = injectedAt.get(d);
                ok &= at != null && at >= 0 && at <= e.getValue().blockStart();
            }
            ordered += ok ? 1 : 0;
        }
        int expected = scenario.calls().size();
        boolean correct = matched == expected && ordered == expected && outcome.calls().size() == expected;
        return new Verdict(expected, matched, ordered, correct);
    }

    private static ScenarioCall match(CallRecord r, List<ScenarioCall> open, Map<String, JsonNode> truth) {
        PyCall call;
        try {
            call = PyCall.parseCallBody(r.body());
        } catch (PySyntaxException e) {
            return null;
        }
        JsonNode given = MAPPER.valueToTree(call.keywords());
        ScenarioCall first = null;
        for (ScenarioCall c : open) {
            if (c.function().equals(call.function())
                    && MAPPER.valueToTree(Scenario.resolve(c, truth)).equals(given)) {
                if (c.id().equals(r.id())) {
                    return c; // identical calls can stand in several chains: the id says which was meant
                }
                if (first == null) {
                    first = c;
                }
            }
        }
        return first;
    }
}
