package org.asynclm.eval.bfcl;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * BFCL's conversion of Java and JavaScript argument source text into typed values before checking. A text that
 * does not match its type's pattern stays a string, which then fails the type or value check.
 */
final class TypeConverters {
    static final Map<String, PyType> JAVA = Map.ofEntries(Map.entry("byte", PyType.INT), Map.entry("short", PyType.INT),
            Map.entry("integer", PyType.INT), Map.entry("float", PyType.FLOAT), Map.entry("double", PyType.FLOAT),
            Map.entry("long", PyType.INT), Map.entry("boolean", PyType.BOOL), Map.entry("char", PyType.STR),
            Map.entry("Array", PyType.LIST), Map.entry("ArrayList", PyType.LIST), Map.entry("Set", PyType.SET),
            Map.entry("HashMap", PyType.DICT), Map.entry("Hashtable", PyType.DICT), Map.entry("Queue", PyType.LIST),
            Map.entry("Stack", PyType.LIST), Map.entry("String", PyType.STR), Map.entry("any", PyType.STR));

    static final Map<String, PyType> JS = Map.of("String", PyType.STR, "integer", PyType.INT, "float", PyType.FLOAT,
            "Bigint", PyType.INT, "Boolean", PyType.BOOL, "dict", PyType.DICT, "array", PyType.LIST, "any", PyType.STR);

    private static final Pattern INT = Pattern.compile("^-?\\d+$");
    private static final Pattern JAVA_FLOAT = Pattern.compile("^-?\\d+(\\.\\d+)?([eE][+-]?\\d+)?[fF]$");
    private static final Pattern JAVA_DOUBLE = Pattern.compile("^-?\\d+(\\.\\d+)?([eE][+-]?\\d+)?$");
    private static final Pattern JAVA_LONG = Pattern.compile("^-?\\d+[lL]$");
    private static final Pattern JS_FLOAT = Pattern.compile("^-?\\d+(\\.\\d+)?$");
    private static final Pattern JS_BIGINT = Pattern.compile("^-?\\d+n$");

    private TypeConverters() {
    }

    static Object java(String v, String type, String nested) {
        return switch (type) {
            case "byte", "short", "integer" -> INT.matcher(v).find() ? integer(v) : v;
            case "float" -> JAVA_FLOAT.matcher(v).find() ? Double.parseDouble(v.substring(0, v.length() - 1)) : v;
            case "double" -> JAVA_DOUBLE.matcher(v).find() ? (Object) Double.parseDouble(v) : v;
            case "long" -> JAVA_LONG.matcher(v).find() ? integer(v.substring(0, v.length() - 1)) : v;
            case "boolean" -> v.equals("true") || v.equals("false") ? (Object) v.equals("true") : v;
            case "Array" -> javaArray(v, nested);
            case "ArrayList" -> javaArrayList(v, nested);
            case "HashMap" -> javaHashMap(v);
            default -> v; // char, String, any (and the unimplemented collections) stay text
        };
    }

    private static final Pattern ARRAY = Pattern.compile("new\\s+\\w+\\[\\]\\s*\\{(.*?)\\}");
    private static final Pattern AS_LIST = Pattern.compile("new\\s+ArrayList<\\w*>\\(Arrays\\.asList\\((.+?)\\)\\)");
    private static final Pattern ADDS = Pattern.compile("new\\s+ArrayList<\\w*>\\(\\)\\s*\\{\\{\\s*(.+?)\\s*\\}\\}", Pattern.DOTALL);
    private static final Pattern ADD = Pattern.compile("add\\((.+?)\\)");
    private static final Pattern EMPTY_LIST = Pattern.compile("new\\s+ArrayList<\\w*>\\(\\)");
    private static final Pattern HASHMAP = Pattern.compile(
            "new\\s+HashMap<.*?>\\s*\\(\\)\\s*\\{\\s*\\{?\\s*(.*?)\\s*\\}?\\s*\\}", Pattern.DOTALL);
    private static final Pattern PUT = Pattern.compile("put\\(\"(.*?)\",\\s*(.*?)\\)");
    private static final Pattern EMPTY_MAP = Pattern.compile("new\\s+HashMap<.*?>\\s*\\(\\)");

    private static Object javaArray(String v, String nested) {
        Matcher m = ARRAY.matcher(v);
        if (!m.find()) {
            return v;
        }
        List<Object> out = new ArrayList<>();
        for (String x : m.group(1).split(",", -1)) {
            if (!x.strip().isEmpty()) {
                out.add(nested != null ? java(x.strip(), nested, null) : javaValue(x.strip()));
            }
        }
        return out;
    }

    private static Object javaArrayList(String v, String nested) {
        Matcher m = AS_LIST.matcher(v);
        List<String> parts = new ArrayList<>();
        if (m.find()) {
            for (String x : m.group(1).split(",", -1)) {
                parts.add(x.strip());
            }
        } else {
            Matcher adds = ADDS.matcher(v);
            if (adds.find()) {
                Matcher a = ADD.matcher(adds.group(1));
                while (a.find()) {
                    parts.add(a.group(1).strip());
                }
            } else {
                return EMPTY_LIST.matcher(v).find() ? new ArrayList<>() : v;
            }
        }
        List<Object> out = new ArrayList<>();
        for (String p : parts) {
            if ("char".equals(nested) || "String".equals(nested)) {
                out.add(p.length() >= 2 ? p.substring(1, p.length() - 1) : "");
            } else {
                out.add(nested != null ? java(p, nested, null) : javaValue(p));
            }
        }
        return out;
    }

    private static Object javaHashMap(String v) {
        Matcher m = HASHMAP.matcher(v);
        if (m.find()) {
            Map<Object, Object> out = new LinkedHashMap<>();
            if (!m.group(1).isBlank()) {
                Matcher p = PUT.matcher(m.group(1));
                while (p.find()) {
                    out.put(p.group(1), javaValue(p.group(2).strip()));
                }
            }
            return out;
        }
        return EMPTY_MAP.matcher(v).find() ? new LinkedHashMap<>() : v;
    }

    /** A Java literal without a declared type. */
    static Object javaValue(String s) {
        if (s.equals("true") || s.equals("false")) {
            return s.equals("true");
        }
        if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) {
            return s.substring(1, s.length() - 1);
        }
        if (JAVA_LONG.matcher(s).find()) {
            return integer(s.substring(0, s.length() - 1));
        }
        if (JAVA_FLOAT.matcher(s).find()) {
            return Double.parseDouble(s.substring(0, s.length() - 1));
        }
        return pythonNumberOr(s);
    }

    static Object js(String v, String type, String nested) {
        return switch (type) {
            case "String" -> (v.length() >= 2 && ((v.startsWith("\"") && v.endsWith("\""))
                    || (v.startsWith("'") && v.endsWith("'")))) ? v.substring(1, v.length() - 1) : v;
            case "integer" -> INT.matcher(v).find() ? integer(v) : v;
            case "float" -> JS_FLOAT.matcher(v).find() ? (Object) Double.parseDouble(v) : v;
            case "Bigint" -> JS_BIGINT.matcher(v).find() ? integer(v.substring(0, v.length() - 1)) : v;
            case "Boolean" -> v.equals("true") || v.equals("false") ? (Object) v.equals("true") : v;
            case "dict" -> jsDict(v.strip());
            case "array" -> jsArray(v.strip(), nested);
            default -> v;
        };
    }

    private static final Pattern JS_2D = Pattern.compile(
            "\\[\\s*\\[.*?\\]\\s*(,\\s*\\[.*?\\]\\s*)*\\]|\\bnew\\s+Array\\(\\s*\\[.*?\\]\\s*(,\\s*\\[.*?\\]\\s*)*\\)");
    private static final Pattern JS_1D = Pattern.compile("\\[(.*?)\\]|\\bnew\\s+Array\\((.*?)\\)");
    private static final Pattern INNER = Pattern.compile("\\[(.*?)\\]");
    private static final Pattern JS_DICT = Pattern.compile("\\{(.*?)\\}");
    private static final Pattern JS_PAIR = Pattern.compile("([^:]+):\\s*(.*?)(?:,\\s*(?=[^,]+:)|$)");

    private static Object jsArray(String code, String nested) {
        Matcher two = JS_2D.matcher(code);
        if (two.lookingAt()) {
            List<Object> out = new ArrayList<>();
            Matcher inner = INNER.matcher(two.group(0));
            boolean first = true;
            while (inner.find()) {
                String s = inner.group(1).strip();
                if (first && s.startsWith("[")) {
                    s = s.substring(1);
                }
                first = false;
                List<Object> row = new ArrayList<>();
                for (String e : s.split(",", -1)) {
                    row.add(jsValue(e.strip()));
                }
                out.add(row);
            }
            return out;
        }
        Matcher one = JS_1D.matcher(code);
        if (!one.lookingAt()) {
            return code;
        }
        String body = one.group(1) != null ? one.group(1).strip() : one.group(2) != null ? one.group(2).strip() : "";
        List<Object> out = new ArrayList<>();
        if (body.isEmpty()) {
            return out;
        }
        for (String e : body.split(",", -1)) {
            String x = e.strip();
            if (nested != null) {
                out.add(x.startsWith("'") || x.startsWith("\"") ? js(x, nested, "String") : js(x, nested, null));
            } else {
                out.add(jsValue(x));
            }
        }
        return out;
    }

    private static Object jsDict(String code) {
        if (code.equals("{}")) {
            return new LinkedHashMap<>();
        }
        Matcher m = JS_DICT.matcher(code);
        if (!m.lookingAt()) {
            return code;
        }
        Map<Object, Object> out = new LinkedHashMap<>();
        Matcher p = JS_PAIR.matcher(m.group(1));
        while (p.find()) {
            if (p.group(0).isEmpty()) {
                break;
            }
            String key = Decoder.strip(p.group(1).strip(), "'\"");
            String value = p.group(2).strip();
            if (value.startsWith("[") && value.endsWith("]")) {
                out.put(key, jsArray(value, null));
            } else if (value.startsWith("{") && value.endsWith("}")) {
                out.put(key, jsDict(value));
            } else {
                out.put(key, jsValue(Decoder.strip(value, "'\"")));
            }
        }
        return out;
    }

    static Object jsValue(String s) {
        s = s.strip();
        if (s.equals("true") || s.equals("false")) {
            return s.equals("true");
        }
        if (s.length() >= 2 && ((s.startsWith("\"") && s.endsWith("\"")) || (s.startsWith("'") && s.endsWith("'")))) {
            return s.substring(1, s.length() - 1);
        }
        return pythonNumberOr(s);
    }

    /** Python's {@code int(s)}, else {@code float(s)}, else the text. */
    private static Object pythonNumberOr(String s) {
        String t = s.strip().replace("_", "");
        if (t.matches("[+-]?\\d+")) {
            return integer(t);
        }
        if (t.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?|[+-]?(inf|infinity|nan)")) {
            try {
                return Double.parseDouble(t.replace("infinity", "Infinity").replace("inf", "Infinity")
                        .replace("nan", "NaN"));
            } catch (NumberFormatException e) {
                return s;
            }
        }
        return s;
    }

    private static Object integer(String s) {
        BigInteger v = new BigInteger(s.startsWith("+") ? s.substring(1) : s);
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }
}
