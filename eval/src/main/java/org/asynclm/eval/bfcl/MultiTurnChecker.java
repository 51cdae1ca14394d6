package org.asynclm.eval.bfcl;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.asynclm.bfcl.BfclEntry;
import org.asynclm.bfcl.multiturn.Backend;
import org.asynclm.bfcl.multiturn.BackendClass;
import org.asynclm.bfcl.multiturn.BackendSession;
import org.asynclm.bfcl.multiturn.Py;

/**
 * BFCL's multi-turn checker ({@code multi_turn_checker} behind {@code _evaluate_single_multi_turn_entry}). A
 * result is a list of turns, each a list of steps, each one raw model response. Every step is decoded as BFCL's
 * {@code decode_execute} does (failures and empty steps are dropped) and executed on the model's backends; each
 * turn of the ground truth runs on separate ground-truth backends; both keep their state across turns. After each
 * turn whose ground truth calls something, the public state of every backend must equal the ground truth's, and
 * the ground truth's results of that turn must all be among the model's results so far (a multiset, in any order).
 */
public final class MultiTurnChecker {
    /** One decoded call. */
    public record Call(String function, Map<String, Object> keywords) {
    }

    /** Decodes one step of a model's turn; an empty list where BFCL drops the step. */
    public static List<Call> decodeStep(JsonNode rawResponse) {
        Decoded d = BfclScorer.decode(rawResponse, Language.PYTHON);
        List<Call> calls = new ArrayList<>();
        if (d.failed()) {
            return calls;
        }
        for (Map<String, Map<String, Object>> call : d.calls()) {
            call.forEach((name, args) -> calls.add(new Call(name, args)));
        }
        return calls;
    }

    /** Whether an entry belongs to a category whose backends load their long-context padding. */
    public static boolean longContext(String entryId) {
        String category = entryId.substring(0, entryId.lastIndexOf('_'));
        return category.contains("long_context") || category.contains("composite");
    }

    @SuppressWarnings("unchecked")
    static BackendSession session(BfclEntry entry) {
        List<BackendClass> involved = new ArrayList<>();
        for (JsonNode c : entry.question().get("involved_classes")) {
            BackendClass bc = BackendClass.byPythonName(c.asText());
            if (bc == null) {
                throw new IllegalArgumentException(entry.file() + ":" + entry.line() + ": involved_classes: '"
                        + c.asText() + "' is not one of BFCL's multi-turn classes");
            }
            involved.add(bc);
        }
        Map<Object, Object> config = (Map<Object, Object>) Py.fromJson(entry.question().get("initial_config"));
        return new BackendSession(config, involved, longContext(entry.id()));
    }

    /** The verdict on one entry's model result. */
    public CheckResult check(BfclEntry entry, JsonNode result) {
        JsonNode groundTruth = entry.answer().get("ground_truth");
        if (!result.isArray()) {
            return fail(MultiTurnError.INFERENCE_ERROR,
                    "Error during inference phase. Model did not output a list of model responses.");
        }
        if (result.size() != groundTruth.size()) {
            return fail(MultiTurnError.FORCE_TERMINATED, "Model was force-terminated during inference phase. The "
                    + "length of the model result turns (" + result.size() + ") does not match the length of the "
                    + "ground truth turns (" + groundTruth.size() + ").");
        }
        BackendSession model = session(entry);
        BackendSession truth = session(entry);
        List<String> allModelResults = new ArrayList<>();
        for (int t = 0; t < groundTruth.size(); t++) {
            int steps = 0;
            for (JsonNode step : result.get(t).isArray() ? result.get(t) : List.<JsonNode>of()) {
                List<Call> calls = decodeStep(step);
                if (calls.isEmpty()) {
                    continue;
                }
                steps++;
                for (Call c : calls) {
                    allModelResults.add(model.execute(c.function(), List.of(), c.keywords()));
                }
            }
            List<String> truthResults = new ArrayList<>();
            for (JsonNode call : groundTruth.get(t)) {
                truthResults.add(truth.execute(call.asText()));
            }
            if (groundTruth.get(t).isEmpty()) {
                continue; // a turn the model should decline: its calls ran, nothing is checked here
            }
            if (steps == 0) {
                return fail(MultiTurnError.EMPTY_TURN_MODEL_RESPONSE, "Model response list is empty for turn " + t);
            }
            CheckResult state = stateCheck(model, truth);
            if (!state.valid()) {
                return state;
            }
            List<String> missing = missing(truthResults, allModelResults);
            if (!missing.isEmpty()) {
                return fail(MultiTurnError.EXECUTION_RESPONSE_MISMATCH, "Model response execution results so far "
                        + "does not contain all the ground truth response execution results for turn " + t + ". Missing: "
                        + missing);
            }
        }
        return CheckResult.VALID;
    }

    private static CheckResult stateCheck(BackendSession model, BackendSession truth) {
        for (Map.Entry<BackendClass, Backend> e : truth.instances().entrySet()) {
            Map<String, Object> want = e.getValue().state();
            Map<String, Object> got = model.instances().get(e.getKey()).state();
            List<String> differences = new ArrayList<>();
            for (Map.Entry<String, Object> attr : want.entrySet()) {
                if (!Py.eq(got.get(attr.getKey()), attr.getValue())) {
                    differences.add(attr.getKey());
                }
            }
            if (!differences.isEmpty()) {
                return fail(MultiTurnError.INSTANCE_STATE_MISMATCH, "Model instance for " + e.getKey().pythonName()
                        + " does not match the state with ground truth instance. Differences in: "
                        + String.join(", ", differences));
            }
        }
        return CheckResult.VALID;
    }

    /** The items of {@code wanted} that {@code have} lacks, each occurrence counted once. */
    static List<String> missing(List<String> wanted, List<String> have) {
        List<String> pool = new ArrayList<>(have);
        List<String> missing = new ArrayList<>();
        for (String w : wanted) {
            if (!pool.remove(w)) {
                missing.add(w);
            }
        }
        return missing;
    }

    private static CheckResult fail(MultiTurnError error, String message) {
        return CheckResult.fail(error.bfclName(), message);
    }
}
