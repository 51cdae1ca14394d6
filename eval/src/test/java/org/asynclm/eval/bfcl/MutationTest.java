package org.asynclm.eval.bfcl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.asynclm.bfcl.BfclData;
import org.asynclm.bfcl.BfclEntry;
import org.asynclm.cml.CmlWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Across every entry of each Python category: the ground truth written as model output passes, and each kind of
 * damage is caught with its own error type.
 */
class MutationTest {

    /**
     * What a correct model writes: each parameter the function defines, with the first acceptable value, omitted
     * when that is BFCL's optional marker "" (some ground truths list parameters their function does not define,
     * or "" first for a parameter the function requires).
     */
    static String render(JsonNode call, JsonNode functions) {
        String fn = call.fieldNames().next();
        JsonNode properties = null;
        List<String> required = new ArrayList<>();
        for (JsonNode f : functions) {
            if (f.get("name").asText().equals(fn)) {
                properties = f.at("/parameters/properties");
                f.at("/parameters/required").forEach(r -> required.add(r.asText()));
            }
        }
        List<String> args = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = call.get(fn).fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> p = it.next();
            // A required parameter needs a value even where the ground truth lists "" first.
            JsonNode v = required.contains(p.getKey()) ? first(p.getValue()) : p.getValue().get(0);
            if (v != null && properties != null && properties.has(p.getKey())
                    && !(v.isTextual() && v.asText().isEmpty())) {
                args.add(p.getKey() + "=" + CmlWriter.pyLiteral(plain(v)));
            }
        }
        return fn + "(" + String.join(", ", args) + ")";
    }

    static JsonNode first(JsonNode acceptable) {
        for (JsonNode v : acceptable) {
            if (!(v.isTextual() && v.asText().isEmpty())) {
                return v;
            }
        }
        return null;
    }

    /** A ground-truth value with nested acceptable-value lists (inside dicts) reduced to their first choice. */
    private static Object plain(JsonNode v) {
        if (v.isObject()) {
            Map<String, Object> m = new LinkedHashMap<>();
            v.fields().forEachRemaining(f -> {
                JsonNode chosen = f.getValue().isArray() ? first(f.getValue()) : f.getValue();
                if (chosen != null) {
                    m.put(f.getKey(), plain(chosen));
                }
            });
            return m;
        }
        if (v.isArray()) {
            List<Object> l = new ArrayList<>();
            v.forEach(x -> l.add(plain(x)));
            return l;
        }
        return CmlWriter.fromJson(v);
    }

    @ParameterizedTest
    @ValueSource(strings = {"simple_python", "multiple", "parallel", "parallel_multiple"})
    void groundTruthPassesAndDamageIsCaught(String category) throws Exception {
        BfclScorer scorer = new BfclScorer(false);
        Map<String, Integer> caught = new TreeMap<>();
        List<String> wrong = new ArrayList<>();
        for (BfclEntry e : new BfclData(CheckerVectorsTest.BFCL).entries(category, true)) {
            JsonNode gt = e.answer().get("ground_truth");
            List<String> calls = new ArrayList<>();
            gt.forEach(c -> calls.add(render(c, e.question().get("function"))));
            String output = "[" + String.join(", ", calls) + "]";
            CheckResult ok = scorer.ast(category, e, new TextNode(output));
            if (!ok.valid()) {
                wrong.add(e.id() + " " + ok.errorType() + " " + output);
                continue;
            }
            String first = calls.get(0);
            String renamed = first.replaceFirst("^([\\w.]+)\\(", "$1_v2(");
            List<String> damaged = new ArrayList<>(calls);
            damaged.set(0, renamed);
            expect(scorer, category, e, "[" + String.join(", ", damaged) + "]",
                    category.contains("parallel") ? "cannot_find_match" : "wrong_func_name", caught, wrong);
            damaged.set(0, first.replaceFirst("\\)$", first.endsWith("()") ? "zz_extra=1)" : ", zz_extra=1)"));
            expect(scorer, category, e, "[" + String.join(", ", damaged) + "]",
                    category.contains("parallel") ? "cannot_find_match" : "unexpected_param", caught, wrong);
            if (calls.size() > 1 || !category.contains("parallel")) {
                expect(scorer, category, e, "[" + String.join(", ", calls) + ", " + first + "]", "wrong_count",
                        caught, wrong);
            }
        }
        System.out.println(category + ": damage caught " + caught);
        assertEquals(List.of(), wrong);
        assertTrue(caught.values().stream().mapToInt(Integer::intValue).sum() > 100);
    }

    private static void expect(BfclScorer s, String category, BfclEntry e, String output, String errorSuffix,
                               Map<String, Integer> caught, List<String> wrong) {
        CheckResult r = s.ast(category, e, new TextNode(output));
        boolean right = errorSuffix == null ? r.valid() : (!r.valid() && r.errorType().endsWith(errorSuffix));
        if (!right) {
            wrong.add(e.id() + ": expected " + (errorSuffix == null ? "PASS" : errorSuffix) + ", got "
                    + (r.valid() ? "PASS" : r.errorType()) + " for " + output);
        } else if (errorSuffix != null) {
            caught.merge(errorSuffix, 1, Integer::sum);
        }
    }

    /** Matching is greedy, as in BFCL: a ground-truth call that accepts two companies can take another's output. */
    @Test
    void greedyMatchingFailsWhereBfclDoes() throws Exception {
        BfclEntry e = new BfclData(CheckerVectorsTest.BFCL).entries("parallel", true).stream()
                .filter(x -> x.id().equals("parallel_178")).findFirst().orElseThrow();
        String inOrder = "[get_stock_price(company_name='Microsoft', date='2022-01-01'), "
                + "get_stock_price(company_name='Microsoft', date='2022-02-01'), "
                + "get_stock_price(company_name='Apple', date='2022-01-01'), "
                + "get_stock_price(company_name='Apple', date='2022-02-01')]";
        String reversed = "[get_stock_price(company_name='Apple', date='2022-02-01'), "
                + "get_stock_price(company_name='Apple', date='2022-01-01'), "
                + "get_stock_price(company_name='Microsoft', date='2022-02-01'), "
                + "get_stock_price(company_name='Microsoft', date='2022-01-01')]";
        BfclScorer s = new BfclScorer(false);
        assertTrue(s.ast("parallel", e, new TextNode(inOrder)).valid());
        assertEquals("parallel_function_checker_no_order:cannot_find_match",
                s.ast("parallel", e, new TextNode(reversed)).errorType());
    }

    @Test
    void relevanceRules() {
        BfclScorer s = new BfclScorer(false);
        assertTrue(s.relevance("irrelevance", new TextNode("I cannot help with that.")).valid());
        assertTrue(s.relevance("irrelevance", new TextNode("[]")).valid());
        assertEquals("irrelevance_error:decoder_success",
                s.relevance("irrelevance", new TextNode("[get_weather(city='Oslo')]")).errorType());
        assertTrue(s.relevance("live_relevance", new TextNode("[anything(x=1)]")).valid());
        assertEquals("relevance_error:decoder_failed",
                s.relevance("live_relevance", new TextNode("no call here")).errorType());
    }
}
