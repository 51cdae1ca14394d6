package org.asynclm.eval.bfcl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The examples the reference converters assert in their own tests, as golden values. */
class ConvertersTest {

    private static void java(Object expected, String text, String type) {
        Object actual = TypeConverters.java(text, type, null);
        assertEquals(true, PyType.equal(expected, actual), text + " as " + type + " gave " + actual);
    }

    private static void js(Object expected, String text, String type, String nested) {
        Object actual = TypeConverters.js(text, type, nested);
        assertEquals(true, PyType.equal(expected, actual), text + " as " + type + " gave " + actual);
    }

    private static Map<Object, Object> map(Object... kv) {
        Map<Object, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void javaConversions() {
        java(true, "true", "boolean");
        java(false, "false", "boolean");
        java(123L, "123", "integer");
        java(-123L, "-123", "integer");
        java(3.14, "3.14f", "float");
        java(-3.14, "-3.14f", "float");
        java(3.14, "3.14", "double");
        java(123L, "123L", "long");
        java(-123L, "-123L", "long");
        java("abc", "abc", "String");
        java(List.of(1L, 2L, 3L), "new int[]{1, 2, 3}", "Array");
        java(List.of("a", "b"), "new ArrayList<>(Arrays.asList(\"a\", \"b\"))", "ArrayList");
        java(map("key", "value"), "new HashMap<String, String>() {{ put(\"key\", \"value\"); }}", "HashMap");
        java(3.0, "3f", "float");
        java(3e3, "3e3F", "float");
        java(3e-3, "3e-3F", "float");
        java(3.14e2, "3.14e2", "double");
        java(127L, "127", "byte");
        java(-32768L, "-32768", "short");
        java(9223372036854775807L, "9223372036854775807L", "long");
        java("123", "123", "any");
        java(List.of(), "new int[]{}", "Array");
        java(List.of(), "new ArrayList<>()", "ArrayList");
        java(map(), "new HashMap<>()", "HashMap");
        java(Arrays.asList(1L, "abc", true), "new Object[]{1, \"abc\", true}", "Array");
        java(Arrays.asList(1L, "abc", true), "new ArrayList<>(Arrays.asList(1, \"abc\", true))", "ArrayList");
        java(map("key1", 1L, "key2", "value", "key3", true),
                "new HashMap<String, Object>() {{ put(\"key1\", 1); put(\"key2\", \"value\"); put(\"key3\", true); }}",
                "HashMap");
        java(List.of(1L, 2L, 3L), "new int[] { 1, 2, 3 }", "Array");
        java(map(), "new HashMap<>() {{ }}", "HashMap");
        java(map("key", "value"), "new HashMap<String, String>() { { put(\"key\", \"value\"); } }", "HashMap");
        java("abc", "abc", "integer"); // no match: stays text
        assertEquals(Arrays.asList(1L, "2", 3L), TypeConverters.java("new long[]{1L, 2, 3L}", "Array", "long"));
    }

    @Test
    void javaScriptConversions() {
        js(true, "true", "Boolean", null);
        js(123L, "123", "integer", null);
        js(3.14, "3.14", "float", null);
        js(123L, "123n", "Bigint", null);
        js("abc", "abc", "String", null);
        js(List.of(1L, 2L, 3L), "[1, 2, 3]", "array", null);
        js(List.of(1L, 2L, 3L), "new Array(1, 2, 3)", "array", null);
        js(map("key", "value"), "{'key': 'value'}", "dict", null);
        js(map("key", 123L), "{'key': 123}", "dict", null);
        js(map("key", true), "{'key': true}", "dict", null);
        js(List.of(), "[]", "array", null);
        js(map(), "{}", "dict", null);
        js(Arrays.asList(1L, "two", true), "[1, 'two', true]", "array", null);
        js(map("key1", 123L, "key2", "value", "key3", false), "{'key1': 123, 'key2': 'value', 'key3': false}", "dict", null);
        js(-123L, "-123", "integer", null);
        js(List.of(1L, 2L, 3L), "[1, 2, 3]", "array", "integer");
        js(List.of(4.4, 5.5, 6.6), "new Array(4.4, 5.5, 6.6)", "array", "float");
        js(List.of(1L, 2L, 3L), "[1n, 2n, 3n]", "array", "Bigint");
        js(List.of("hello", "world", "!"), "[\"hello\", \"world\", \"!\"]", "array", "String");
        js(List.of(List.of(1L, 2L), List.of(3L, 4L), List.of(5L, 6L)), " [ [ 1, 2 ], [ 3,   4], [5, 6]]", "array", "array");
        Object complex = TypeConverters.js("{\"initialState\": initialStateObject, \"reducers\": reducersMap, "
                + "\"middlewares\": [\"loggerMiddleware\"], \"enhancers\": [\"applyMiddleware\", \"myMiddleWare\"]}", "dict", null);
        Map<?, ?> m = (Map<?, ?>) complex;
        assertEquals("initialStateObject", m.get("initialState"));
        assertEquals("reducersMap", m.get("reducers"));
        assertEquals(List.of("loggerMiddleware"), m.get("middlewares"));
        assertEquals(List.of("applyMiddleware", "myMiddleWare"), m.get("enhancers"));
    }
}
