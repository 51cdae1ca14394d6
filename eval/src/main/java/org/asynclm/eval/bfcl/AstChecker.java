package org.asynclm.eval.bfcl;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.asynclm.cml.PyTuple;

/**
 * A port of BFCL's {@code ast_checker}: simple, multiple and parallel (greedy, order-free) checkers, Python's type
 * rules (an int is accepted for a float and nothing else is coerced; a ground truth of another type marks the value
 * as a variable), string standardisation, optional parameters marked by {@code ""}, dicts and lists of dicts, and
 * Java/JavaScript values converted from their source text first. Error types are BFCL's own strings.
 */
public final class AstChecker {
    private static final Map<String, PyType> PYTHON = Map.of("string", PyType.STR, "integer", PyType.INT,
            "float", PyType.FLOAT, "boolean", PyType.BOOL, "array", PyType.LIST, "tuple", PyType.LIST,
            "dict", PyType.DICT, "any", PyType.STR);
    private static final Set<String> NESTED = Set.of("Array", "ArrayList", "array");

    private final boolean underscoreToDot;

    /** {@code underscoreToDot}: the model's API forbids '.' in names, so BFCL expects '_' instead. */
    public AstChecker(boolean underscoreToDot) {
        this.underscoreToDot = underscoreToDot;
    }

    /** Dispatches on the category as BFCL does: "parallel", then "multiple", else simple. */
    public CheckResult check(JsonNode docs, List<Map<String, Map<String, Object>>> output,
                             List<Map<String, Map<String, Object>>> truth, Language lang, String category) {
        if (category.contains("parallel")) {
            return parallelNoOrder(docs, output, truth, lang);
        }
        if (category.contains("multiple")) {
            if (output.size() != truth.size()) {
                return CheckResult.fail("multiple_function_checker:wrong_count", "Wrong number of functions.");
            }
            return simple(find(docs, name(truth.get(0))), output.get(0), truth.get(0), lang);
        }
        if (output.size() != 1) {
            return CheckResult.fail("simple_function_checker:wrong_count", "Wrong number of functions.");
        }
        return simple(docs.get(0), output.get(0), truth.get(0), lang);
    }

    private CheckResult parallelNoOrder(JsonNode docs, List<Map<String, Map<String, Object>>> output,
                                        List<Map<String, Map<String, Object>>> truth, Language lang) {
        if (output.size() != truth.size()) {
            return CheckResult.fail("parallel_function_checker_no_order:wrong_count", "Wrong number of functions.");
        }
        Set<Integer> matched = new HashSet<>();
        for (int i = 0; i < truth.size(); i++) {
            JsonNode doc = find(docs, name(truth.get(i)));
            boolean found = false;
            for (int k = 0; k < output.size() && !found; k++) {
                if (!matched.contains(k) && simple(doc, output.get(k), truth.get(i), lang).valid()) {
                    matched.add(k);
                    found = true;
                }
            }
            if (!found) {
                return CheckResult.fail("parallel_function_checker_no_order:cannot_find_match",
                        "Could not find a matching function for index " + i + " of possible answers.");
            }
        }
        return CheckResult.VALID;
    }

    private static String name(Map<String, ?> call) {
        return call.keySet().iterator().next();
    }

    private static JsonNode find(JsonNode docs, String name) {
        for (JsonNode d : docs) {
            if (d.path("name").asText().equals(name)) {
                return d;
            }
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    CheckResult simple(JsonNode doc, Map<String, Map<String, Object>> call, Map<String, Map<String, Object>> truth,
                       Language lang) {
        if (doc == null) {
            return CheckResult.fail("simple_function_checker:wrong_func_name", "No function description found.");
        }
        Map<String, Object> possible = truth.values().iterator().next();
        String funcName = doc.get("name").asText();
        JsonNode properties = doc.at("/parameters/properties");
        if (underscoreToDot && funcName.contains(".")) {
            funcName = funcName.replace('.', '_');
        }
        if (!call.containsKey(funcName)) {
            return CheckResult.fail("simple_function_checker:wrong_func_name",
                    "Function name '" + funcName + "' not found in model output.");
        }
        Map<String, Object> params = call.get(funcName);
        for (JsonNode r : doc.at("/parameters/required")) {
            if (!params.containsKey(r.asText())) {
                return CheckResult.fail("simple_function_checker:missing_required",
                        "Missing required parameter: '" + r.asText() + "'.");
            }
        }
        for (Map.Entry<String, Object> e : params.entrySet()) {
            String param = e.getKey();
            Object value = e.getValue();
            if (!properties.has(param) || !possible.containsKey(param)) {
                return CheckResult.fail("simple_function_checker:unexpected_param", "Unexpected parameter: '" + param + "'.");
            }
            List<Object> acceptable = (List<Object>) possible.get(param);
            String type = properties.get(param).path("type").asText();
            String nestedType = properties.get(param).at("/items/type").asText(null);
            PyType expected;
            PyType nested = null;
            switch (lang) {
                case JAVA, JAVASCRIPT -> {
                    Map<String, PyType> map = lang == Language.JAVA ? TypeConverters.JAVA : TypeConverters.JS;
                    expected = map.get(type);
                    if (expected == null) {
                        return CheckResult.fail("type_error:unsupported", "Unsupported type: " + type);
                    }
                    if (!(value instanceof String text)) {
                        return CheckResult.fail(lang == Language.JAVA ? "type_error:java" : "type_error:js",
                                "Incorrect type for parameter '" + param + "'. Expected type String.");
                    }
                    String nestedForConversion = null;
                    if (NESTED.contains(type)) {
                        nestedForConversion = nestedType;
                        nested = nestedType == null ? null : map.get(nestedType);
                    }
                    value = lang == Language.JAVA ? TypeConverters.java(text, type, nestedForConversion)
                            : TypeConverters.js(text, type, nestedForConversion);
                }
                default -> {
                    expected = PYTHON.get(type);
                    if (expected == null) {
                        return CheckResult.fail("type_error:unsupported", "Unsupported type: " + type);
                    }
                    if (type.equals("array") || type.equals("tuple")) {
                        nested = PYTHON.get(nestedType);
                    }
                }
            }
            if (type.equals("tuple") && value instanceof PyTuple t) {
                value = new ArrayList<>(t.items());
            }
            if (lang == Language.PYTHON && type.equals("float") && PyType.of(value) == PyType.INT) {
                value = ((Number) value).doubleValue();
            }
            TypeCheck tc = typeCheck(param, value, acceptable, type, expected, nested);
            if (!tc.result().valid()) {
                return tc.result();
            }
            if (!tc.variable()) {
                CheckResult r = null;
                if (expected == PyType.DICT) {
                    r = dictChecker(value, acceptable);
                } else if (expected == PyType.LIST && nested == PyType.DICT) {
                    r = listDictChecker((List<Object>) value, acceptable);
                } else if (expected == PyType.STR) {
                    r = stringChecker(param, (String) value, acceptable);
                } else if (expected == PyType.LIST) {
                    r = listChecker(param, (List<Object>) value, acceptable);
                }
                if (r != null) {
                    if (!r.valid()) {
                        return r;
                    }
                    continue;
                }
            }
            if (!PyType.in(value, acceptable)) {
                return CheckResult.fail("value_error:others", "Invalid value for parameter '" + param + "'.");
            }
        }
        for (Map.Entry<String, Object> e : possible.entrySet()) {
            if (!params.containsKey(e.getKey()) && !PyType.in("", (List<?>) e.getValue())) {
                return CheckResult.fail("simple_function_checker:missing_optional",
                        "Optional parameter '" + e.getKey() + "' not provided and not marked as optional.");
            }
        }
        return CheckResult.VALID;
    }

    private record TypeCheck(CheckResult result, boolean variable) {
    }

    /** The first acceptable value's type, skipping the optional marker "". */
    private static PyType answerType(List<?> acceptable) {
        for (Object a : acceptable) {
            if (!"".equals(a)) {
                return PyType.of(a);
            }
        }
        return null;
    }

    private TypeCheck typeCheck(String param, Object value, List<?> acceptable, String desc, PyType expected,
                                PyType nested) {
        PyType answerType = answerType(acceptable);
        boolean variable = answerType != null && answerType != expected;
        PyType actual = PyType.of(value);
        CheckResult nestedFailure = null;
        if (actual == expected) {
            if (nested == null) {
                return new TypeCheck(CheckResult.VALID, variable);
            }
            for (Object item : acceptable) {
                boolean flag = true;
                if (PyType.of(item) == PyType.LIST) {
                    for (Object v : (List<?>) value) {
                        if (!typeCheck(param, v, (List<?>) item, nested.pythonName(), nested, null).result().valid()) {
                            flag = false;
                            break;
                        }
                    }
                }
                if (flag) {
                    return new TypeCheck(CheckResult.VALID, variable);
                }
            }
            nestedFailure = CheckResult.fail("type_error:nested", "Nested type checking failed for parameter '"
                    + param + "'. Expected outer type " + desc + " with inner type " + nested.pythonName() + ".");
        }
        if (answerType != null && actual == answerType) {
            // BFCL returns its running result here: valid, or the nested failure it had already recorded.
            return new TypeCheck(nestedFailure == null ? CheckResult.VALID : nestedFailure, true);
        }
        return new TypeCheck(CheckResult.fail("type_error:simple", "Incorrect type for parameter '" + param
                + "'. Expected type " + desc + ", got " + actual.pythonName() + "."), variable);
    }

    /** BFCL's standardize_string: drop " ,./-_*^", lower-case, single quotes to double. */
    static String standardize(String s) {
        return s.replaceAll("[ ,./\\-_*^]", "").toLowerCase(Locale.ROOT).replace("'", "\"");
    }

    private static Object standardizedIfString(Object v) {
        return v instanceof String s ? standardize(s) : v;
    }

    private static CheckResult stringChecker(String param, String value, List<?> acceptable) {
        String v = standardize(value);
        for (Object a : acceptable) {
            if (a instanceof String s && standardize(s).equals(v)) {
                return CheckResult.VALID;
            }
        }
        return CheckResult.fail("value_error:string", "Invalid value for parameter '" + param + "': '" + value + "'.");
    }

    private static CheckResult listChecker(String param, List<Object> value, List<?> acceptable) {
        List<Object> model = new ArrayList<>();
        value.forEach(v -> model.add(standardizedIfString(v)));
        for (Object a : acceptable) {
            List<Object> candidate = new ArrayList<>();
            if (a instanceof List<?> l) {
                l.forEach(v -> candidate.add(standardizedIfString(v)));
            } else if (!"".equals(a)) {
                continue; // BFCL would fail on len() of a non-sequence here
            }
            if (PyType.equal(model, candidate)) {
                return CheckResult.VALID; // note: "" becomes [], so an empty list matches it, as in BFCL
            }
        }
        return CheckResult.fail("value_error:list/tuple", "Invalid value for parameter '" + param + "'.");
    }

    @SuppressWarnings("unchecked")
    private static CheckResult dictChecker(Object value, List<?> acceptable) {
        Map<Object, Object> model = (Map<Object, Object>) value;
        CheckResult result = CheckResult.fail("dict_checker:unclear", "");
        for (Object a : acceptable) {
            if ("".equals(a) || !(a instanceof Map<?, ?> possible)) {
                continue;
            }
            result = CheckResult.fail("dict_checker:unclear", "");
            boolean ok = true;
            for (Map.Entry<Object, Object> e : model.entrySet()) {
                if (!(e.getKey() instanceof String key) || !possible.containsKey(key)) {
                    result = CheckResult.fail("value_error:dict_key", "Unexpected dict key parameter: '" + e.getKey() + "'.");
                    ok = false;
                    break;
                }
                List<Object> std = new ArrayList<>();
                for (Object x : pythonIteration(possible.get(key))) {
                    std.add(standardizedIfString(x));
                }
                if (!PyType.in(standardizedIfString(e.getValue()), std)) {
                    result = CheckResult.fail("value_error:dict_value", "Invalid value for parameter '" + key + "'.");
                    ok = false;
                    break;
                }
            }
            for (Map.Entry<?, ?> e : possible.entrySet()) {
                if (!ok) {
                    break;
                }
                if (!model.containsKey(e.getKey()) && !pythonContainsEmpty(e.getValue())) {
                    result = CheckResult.fail("value_error:dict_key", "Missing dict key parameter: '" + e.getKey() + "'.");
                    ok = false;
                }
            }
            if (ok) {
                return CheckResult.VALID;
            }
        }
        return result;
    }

    /**
     * What Python's {@code for x in v} yields: a list's items, a string's characters (BFCL iterates a string where
     * some Java ground truths hold one in place of a list), nothing for other values.
     */
    private static List<?> pythonIteration(Object v) {
        if (v instanceof List<?> l) {
            return l;
        }
        if (v instanceof String s) {
            List<Object> chars = new ArrayList<>();
            s.codePoints().forEach(c -> chars.add(new String(Character.toChars(c))));
            return chars;
        }
        return List.of();
    }

    /** Python's {@code "" in v}: membership for a list, always true for a string (the empty substring). */
    private static boolean pythonContainsEmpty(Object v) {
        return v instanceof String || (v instanceof List<?> l && PyType.in("", l));
    }

    private static CheckResult listDictChecker(List<Object> value, List<?> acceptable) {
        CheckResult result = CheckResult.fail("list_dict_checker:unclear", "");
        for (Object a : acceptable) {
            List<?> answer = a instanceof List<?> l ? l : List.of();
            if (value.size() != answer.size()) {
                result = CheckResult.fail("value_error:list_dict_count", "Wrong number of dictionaries in the list.");
                continue;
            }
            boolean ok = true;
            for (int i = 0; i < value.size(); i++) {
                if (!(value.get(i) instanceof Map<?, ?>)) {
                    result = CheckResult.fail("value_error:dict_key", "Not a dictionary.");
                    ok = false;
                    break;
                }
                result = dictChecker(value.get(i), List.of(answer.get(i)));
                if (!result.valid()) {
                    ok = false;
                    break;
                }
            }
            if (ok) {
                return CheckResult.VALID;
            }
        }
        return result;
    }
}
