package org.asynclm.eval.bfcl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.asynclm.bfcl.BfclData;
import org.asynclm.bfcl.BfclEntry;
import org.junit.jupiter.api.Test;

/**
 * The multi-turn checker against BFCL's own: {@code tools/bfcl_backend_golden.py} wrote each multi_turn_base
 * entry's ground truth as a model's result, and four mutations of it, with the verdict BFCL's
 * {@code multi_turn_checker} gave each. The Java checker must give the same verdicts.
 */
class MultiTurnCheckerTest {
    static final Path BFCL = Path.of("../testdata/bfcl");
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyVerdictIsBfcls() throws Exception {
        Map<String, BfclEntry> entries = new LinkedHashMap<>();
        for (BfclEntry e : new BfclData(BFCL).entries("multi_turn_base", true)) {
            entries.put(e.id(), e);
        }
        MultiTurnChecker checker = new MultiTurnChecker();
        Map<String, Integer> byCase = new TreeMap<>();
        List<String> lines = Files.readAllLines(BFCL.resolve("multi_turn_golden/checker_vectors.jsonl"));
        for (String line : lines) {
            JsonNode v = JSON.readTree(line);
            String where = v.get("id").asText() + " " + v.get("case").asText();
            CheckResult r = checker.check(entries.get(v.get("id").asText()), v.get("result"));
            assertEquals(v.get("valid").asBoolean(), r.valid(), where + ": " + r.errors());
            String want = v.get("error_type").isNull() ? null : v.get("error_type").asText();
            assertEquals(want, r.errorType(), where + ": " + r.errors());
            byCase.merge(v.get("case").asText() + " " + want, 1, Integer::sum);
        }
        // the vectors cover what the issue asks: every ground truth passes, every mutation kind fails somewhere
        assertEquals(200, byCase.get("ground_truth null"));
        assertEquals(200, byCase.get("drop_turn multi_turn:force_terminated"));
        assertTrue(byCase.get("wrong_argument multi_turn:execution_response_mismatch") > 0, byCase.toString());
        assertTrue(byCase.get("wrong_argument multi_turn:instance_state_mismatch") > 0, byCase.toString());
        assertTrue(byCase.get("swap_turns multi_turn:instance_state_mismatch") > 0, byCase.toString());
        assertTrue(byCase.get("extra_call multi_turn:instance_state_mismatch") > 0, byCase.toString());
    }

    @Test
    void anEmptyTurnAndAnInferenceErrorAreNamed() throws Exception {
        BfclEntry e = new BfclData(BFCL).entries("multi_turn_base", true).get(0);
        int turns = e.answer().get("ground_truth").size();
        StringBuilder empty = new StringBuilder("[");
        for (int t = 0; t < turns; t++) {
            empty.append(t > 0 ? "," : "").append("[\"I cannot help with that.\"]");
        }
        CheckResult r = new MultiTurnChecker().check(e, JSON.readTree(empty.append("]").toString()));
        assertFalse(r.valid());
        assertEquals("multi_turn:empty_turn_model_response", r.errorType());
        assertEquals("Model response list is empty for turn 0", r.errors().get(0));
        assertEquals("multi_turn:inference_error", new MultiTurnChecker().check(e, JSON.readTree("\"text\"")).errorType());
    }

    @Test
    void theResponseCheckCountsEachResultOnce() {
        assertEquals(List.of("b"), MultiTurnChecker.missing(List.of("a", "b"), List.of("a", "c")));
        assertEquals(List.of("a"), MultiTurnChecker.missing(List.of("a", "a"), List.of("a")));
        assertEquals(List.of(), MultiTurnChecker.missing(List.of("a", "a"), List.of("x", "a", "a")));
    }
}
