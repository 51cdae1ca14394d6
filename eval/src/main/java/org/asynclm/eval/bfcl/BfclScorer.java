package org.asynclm.eval.bfcl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.asynclm.bfcl.BfclData;
import org.asynclm.bfcl.BfclEntry;
import org.asynclm.cml.CmlWriter;
import org.asynclm.runtime.BadInputException;

/**
 * Scores BFCL result files ({@code {"id", "result"}} per line, the result a string from a prompting model or BFCL's
 * FC list {@code [{name: arguments_json}]}; for multi-turn categories a list of turns, each a list of such step
 * responses) against a category's possible answers, as BFCL's runner does for the AST, relevance and multi-turn
 * categories.
 */
public final class BfclScorer {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** One entry's verdict; {@code errorType} is null when valid. */
    public record Verdict(String id, boolean valid, String errorType) {
    }

    private final AstChecker checker;
    private final MultiTurnChecker multiTurnChecker = new MultiTurnChecker();

    public BfclScorer(boolean underscoreToDot) {
        this.checker = new AstChecker(underscoreToDot);
    }

    public static boolean isRelevanceCategory(String category) {
        return category.contains("relevance");
    }

    /** The multi-turn categories, scored by executing the calls on BFCL's backends ({@link MultiTurnChecker}). */
    public static boolean isMultiTurnCategory(String category) {
        return category.startsWith("multi_turn");
    }

    public List<Verdict> score(BfclData data, String category, Path resultsFile) throws BadInputException {
        List<BfclEntry> entries = data.entries(category, !isRelevanceCategory(category));
        return score(category, entries, readResults(resultsFile, entries));
    }

    /** Verdicts for these entries; an entry without a result is invalid ({@code missing_result}). */
    public List<Verdict> score(String category, List<BfclEntry> entries, Map<String, JsonNode> results) {
        boolean relevance = isRelevanceCategory(category);
        boolean multiTurn = isMultiTurnCategory(category);
        List<Verdict> out = new ArrayList<>(entries.size());
        for (BfclEntry e : entries) {
            JsonNode result = results.get(e.id());
            if (result == null) {
                out.add(new Verdict(e.id(), false, "missing_result"));
                continue;
            }
            CheckResult r = multiTurn ? multiTurnChecker.check(e, result)
                    : relevance ? relevance(category, result) : ast(category, e, result);
            out.add(new Verdict(e.id(), r.valid(), r.errorType()));
        }
        return out;
    }

    /** Scores one raw result against an entry; public for tests and for callers that hold results in memory. */
    public CheckResult ast(String category, BfclEntry e, JsonNode result) {
        Language lang = Language.of(category);
        Decoded d = decode(result, lang);
        if (d.failed()) {
            return CheckResult.fail("ast_decoder:decoder_failed", "Invalid syntax. Failed to decode AST. " + d.error());
        }
        List<Map<String, Map<String, Object>>> truth = groundTruth(e.answer().get("ground_truth"));
        return checker.check(e.question().get("function"), d.calls(), truth, lang, category);
    }

    CheckResult relevance(String category, JsonNode result) {
        Decoded d = decode(result, Language.PYTHON);
        boolean containsCall = !d.failed() && !d.calls().isEmpty()
                && d.calls().stream().noneMatch(Map::isEmpty);
        if (category.contains("irrelevance")) {
            return containsCall ? CheckResult.fail("irrelevance_error:decoder_success",
                    "Valid syntax. Successfully decode AST when it should not.") : CheckResult.VALID;
        }
        return containsCall ? CheckResult.VALID : CheckResult.fail("relevance_error:decoder_failed",
                "Invalid syntax. Failed to decode AST when it should have.");
    }

    /** A prompting model's string, or an FC model's list of {name: arguments}. */
    @SuppressWarnings("unchecked")
    static Decoded decode(JsonNode result, Language lang) {
        if (result.isTextual()) {
            return Decoder.decode(result.asText(), lang);
        }
        if (!result.isArray()) {
            return new Decoded(List.of(), "result is neither a string nor a list of calls");
        }
        List<Map<String, Map<String, Object>>> calls = new ArrayList<>();
        for (JsonNode item : result) {
            if (!item.isObject() || item.size() != 1) {
                return new Decoded(List.of(), "each FC call is a one-key object");
            }
            var field = item.fields().next();
            JsonNode args = field.getValue();
            if (args.isTextual()) {
                try {
                    args = MAPPER.readTree(args.asText());
                } catch (JsonProcessingException ex) {
                    return new Decoded(List.of(), "arguments are not JSON: " + ex.getOriginalMessage());
                }
            }
            if (!args.isObject()) {
                return new Decoded(List.of(), "arguments are not an object");
            }
            Map<String, Map<String, Object>> call = new LinkedHashMap<>();
            call.put(field.getKey(), (Map<String, Object>) CmlWriter.fromJson(args));
            calls.add(call);
        }
        return new Decoded(calls, null);
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Map<String, Object>>> groundTruth(JsonNode gt) {
        List<Map<String, Map<String, Object>>> out = new ArrayList<>();
        for (JsonNode call : gt) {
            out.add((Map<String, Map<String, Object>>) CmlWriter.fromJson(call));
        }
        return out;
    }

    private static Map<String, JsonNode> readResults(Path file, List<BfclEntry> entries) throws BadInputException {
        Set<String> ids = new HashSet<>();
        entries.forEach(e -> ids.add(e.id()));
        Map<String, JsonNode> out = new LinkedHashMap<>();
        Map<String, Integer> firstLine = new HashMap<>();
        List<JsonNode> lines = BfclData.readJsonLines(file);
        int lineNo = 0;
        for (JsonNode line : lines) {
            lineNo++;
            if (!line.isObject() || !line.path("id").isTextual()) {
                throw new BadInputException(file + ":" + lineNo + ": id: every result line needs a string \"id\"");
            }
            if (!line.has("result")) {
                throw new BadInputException(file + ":" + lineNo + ": result: missing");
            }
            String id = line.get("id").asText();
            if (!ids.contains(id)) {
                throw new BadInputException(file + ":" + lineNo + ": id: '" + id + "' is not an entry of this category");
            }
            Integer first = firstLine.putIfAbsent(id, lineNo);
            if (first != null) { // BFCL would keep one of them silently; which one is scored must not be a guess
                throw new BadInputException(file + ":" + lineNo + ": id: '" + id + "' again (first on line " + first
                        + ")");
            }
            out.put(id, line.get("result"));
        }
        return out;
    }
}
