package org.asynclm.eval.bfcl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.asynclm.bfcl.BfclData;
import org.asynclm.bfcl.BfclEntry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every conformance vector of CHECKER.md §9, produced by running BFCL's own checker. */
class CheckerVectorsTest {
    static final Path BFCL = Path.of("../testdata/bfcl");
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static BfclData data;

    @BeforeAll
    static void load() throws Exception {
        data = new BfclData(BFCL);
    }

    static BfclEntry entry(String category, String id) throws Exception {
        return data.entries(category, true).stream().filter(e -> e.id().equals(id)).findFirst().orElseThrow();
    }

    /** "PASS", "DECODE FAIL", or the error type. */
    static String verdict(String category, String id, String output, boolean underscoreToDot) throws Exception {
        CheckResult r = new BfclScorer(underscoreToDot).ast(category, entry(category, id), new TextNode(output));
        if (r.valid()) {
            return "PASS";
        }
        return r.errorType().equals("ast_decoder:decoder_failed") ? "DECODE FAIL" : r.errorType();
    }

    static String verdict(String category, String id, String output) throws Exception {
        return verdict(category, id, output, false);
    }

    @Test
    void simplePython0() throws Exception {
        String c = "simple_python";
        String id = "simple_python_0";
        String call = "calculate_triangle_area(base=10, height=5)";
        assertEquals("PASS", verdict(c, id, "[" + call + "]"));
        assertEquals("PASS", verdict(c, id, "[calculate_triangle_area(base=10, height=5, unit='Units.')]"));
        assertEquals("value_error:string", verdict(c, id, "[calculate_triangle_area(base=10, height=5, unit='cm')]"));
        assertEquals("type_error:simple", verdict(c, id, "[calculate_triangle_area(base=10.0, height=5)]"));
        assertEquals("type_error:simple", verdict(c, id, "[calculate_triangle_area(base=True, height=5)]"));
        assertEquals("PASS", verdict(c, id, call));
        assertEquals("PASS", verdict(c, id, "```\n[" + call + "]\n```"));
        assertEquals("DECODE FAIL", verdict(c, id, "```python\n[" + call + "]\n```"));
        assertEquals("DECODE FAIL", verdict(c, id, "Sure! [" + call + "]"));
        assertEquals("simple_function_checker:missing_required", verdict(c, id, "[calculate_triangle_area(base=10)]"));
        assertEquals("simple_function_checker:unexpected_param",
                verdict(c, id, "[calculate_triangle_area(base=10, height=5, color='red')]"));
        assertEquals("simple_function_checker:wrong_count", verdict(c, id, "[" + call + ", " + call + "]"));
    }

    @Test
    void simplePython1AndTheUnderscoreSetting() throws Exception {
        assertEquals("PASS", verdict("simple_python", "simple_python_1", "[math.factorial(number=5)]"));
        assertEquals("simple_function_checker:wrong_func_name",
                verdict("simple_python", "simple_python_1", "[math_factorial(number=5)]"));
        assertEquals("PASS", verdict("simple_python", "simple_python_1", "[math_factorial(number=5)]", true));
        assertEquals("simple_function_checker:wrong_func_name",
                verdict("simple_python", "simple_python_1", "[math.factorial(number=5)]", true));
    }

    @Test
    void parallelAndParallelMultiple() throws Exception {
        String a = "spotify.play(artist='Taylor Swift', duration=20)";
        String b = "spotify.play(artist='Maroon 5', duration=15)";
        assertEquals("PASS", verdict("parallel", "parallel_0", "[" + b + ", " + a + "]"));
        assertEquals("PASS", verdict("parallel", "parallel_0",
                "[spotify.play(artist='taylor swift', duration=20), spotify.play(artist='maroon5', duration=15)]"));
        assertEquals("parallel_function_checker_no_order:wrong_count", verdict("parallel", "parallel_0", "[" + a + "]"));
        String sum = "math_toolkit.sum_of_multiples(lower_limit=1, upper_limit=1000, multiples=[3, 5])";
        String primes = "math_toolkit.product_of_primes(count=5)";
        assertEquals("PASS", verdict("parallel_multiple", "parallel_multiple_0", "[" + primes + ", " + sum + "]"));
        assertEquals("parallel_function_checker_no_order:cannot_find_match", verdict("parallel_multiple",
                "parallel_multiple_0", "[" + sum.replace("[3, 5]", "[5, 3]") + ", " + primes + "]"));
    }

    @Test
    void multipleChecksTheGroundTruthFunction() throws Exception {
        BfclEntry e = entry("multiple", "multiple_0");
        String other = null;
        String expected = e.answer().at("/ground_truth/0").fieldNames().next();
        for (JsonNode f : e.question().get("function")) {
            if (!f.get("name").asText().equals(expected)) {
                other = f.get("name").asText();
            }
        }
        assertEquals("circle_properties.get", other);
        assertEquals("simple_function_checker:wrong_func_name",
                verdict("multiple", "multiple_0", "[circle_properties.get(radius=5)]"));
    }

    /** The synthetic cases: a function doc and ground truth made up for one rule each. */
    private static String synthetic(String type, String items, String gt, String value) throws Exception {
        String doc = "{\"name\": \"f\", \"parameters\": {\"type\": \"dict\", \"properties\": {\"p\": {\"type\": \"" + type
                + "\"" + (items == null ? "" : ", \"items\": {\"type\": \"" + items + "\"}") + "}}, \"required\": []}}";
        JsonNode question = MAPPER.readTree("{\"id\": \"x\", \"function\": [" + doc + "]}");
        JsonNode answer = MAPPER.readTree("{\"id\": \"x\", \"ground_truth\": [{\"f\": {\"p\": " + gt + "}}]}");
        BfclEntry e = new BfclEntry("x", Path.of("x"), 1, question, answer);
        CheckResult r = new BfclScorer(false).ast("simple_python", e, new TextNode("[f(" + value + ")]"));
        return r.valid() ? "PASS" : r.errorType();
    }

    @Test
    void syntheticRules() throws Exception {
        assertEquals("PASS", synthetic("float", null, "[5.0]", "p=5"));
        assertEquals("type_error:simple", synthetic("integer", null, "[5]", "p=5.0"));
        assertEquals("type_error:nested", synthetic("array", "float", "[[1.0, 2.0]]", "p=[1, 2]"));
        assertEquals("PASS", synthetic("array", "float", "[[1.0, 2.0], \"\"]", "p=[1, 2]"));
        assertEquals("PASS", synthetic("array", "float", "[[1, 2]]", "p=[1, 2]"));
        assertEquals("PASS", synthetic("array", "string", "[[\"New York\", \"LA\"]]", "p=['new york', 'l.a.']"));
        assertEquals("value_error:list/tuple", synthetic("array", "integer", "[[1, 2]]", "p=[2, 1]"));
        assertEquals("PASS", synthetic("tuple", "integer", "[[1, 2]]", "p=[1, 2]"));
        assertEquals("PASS", synthetic("tuple", "integer", "[[1, 2]]", "p=(1, 2)"));
        assertEquals("PASS", synthetic("string", null, "[\"a\", \"\"]", ""));
        assertEquals("simple_function_checker:missing_optional", synthetic("string", null, "[\"a\"]", ""));
        assertEquals("PASS", synthetic("dict", null, "[{\"a\": [\"Hi There\"], \"b\": [\"\", 2]}]", "p={'a': 'hi there'}"));
        assertEquals("value_error:dict_key", synthetic("dict", null, "[{\"a\": [\"x\"]}]", "p={'a': 'x', 'c': 1}"));
        assertEquals("value_error:dict_key", synthetic("dict", null, "[{\"a\": [\"x\"], \"b\": [1]}]", "p={'a': 'x'}"));
        assertEquals("type_error:simple", synthetic("boolean", null, "[true]", "p=1"));
        assertEquals("type_error:simple", synthetic("any", null, "[\"5\"]", "p=5"));
        assertEquals("PASS", synthetic("any", null, "[\"5\"]", "p='5'"));
        assertEquals("PASS", synthetic("integer", null, "[\"n\"]", "p='n'"));
        assertEquals("PASS", synthetic("integer", null, "[-3]", "p=-3"));
        assertEquals("simple_function_checker:missing_required", syntheticRequired("f(1)"));
    }

    private static String syntheticRequired(String output) throws Exception {
        JsonNode question = MAPPER.readTree("{\"id\": \"x\", \"function\": [{\"name\": \"f\", \"parameters\": "
                + "{\"type\": \"dict\", \"properties\": {\"p\": {\"type\": \"integer\"}}, \"required\": [\"p\"]}}]}");
        JsonNode answer = MAPPER.readTree("{\"id\": \"x\", \"ground_truth\": [{\"f\": {\"p\": [1]}}]}");
        CheckResult r = new BfclScorer(false).ast("simple_python", new BfclEntry("x", Path.of("x"), 1, question, answer),
                new TextNode("[" + output + "]"));
        return r.valid() ? "PASS" : r.errorType();
    }

    @Test
    void standardizeString() {
        assertEquals("april12024", AstChecker.standardize("April 1, 2024"));
        assertEquals("helloworld10", AstChecker.standardize("Hello_World-1.0"));
        assertEquals("it\"s", AstChecker.standardize("It's"));
    }

    @Test
    void decoderQuirks() {
        assertEquals(List.of(Map.of("f", Map.of("x", -5L))),
                Decoder.decode("[f(x=+5)]", Language.PYTHON).calls(), "every UnaryOp negates, + included");
        assertEquals(true, Decoder.decode("[None]", Language.PYTHON).failed());
        assertEquals(List.of(), Decoder.decode("[]", Language.PYTHON).calls());
        assertEquals(Map.of("f", Map.of("x", 3L, "y", "foo", "z", "g()")),
                Decoder.decode("[f(x=1+2, y=foo, z=g())]", Language.PYTHON).calls().get(0));
        assertEquals(Map.of("f", Map.of()), Decoder.decode("f(1)", Language.PYTHON).calls().get(0),
                "positional arguments are dropped");
        assertEquals(true, Decoder.decode("[f(x=lambda y: y)]", Language.PYTHON).failed());
    }
}
