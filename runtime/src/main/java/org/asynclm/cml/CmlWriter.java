package org.asynclm.cml;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders CML canonically: no spaces around markers, call bodies as Python with keyword arguments, values as Python
 * literals, interrupt values as compact JSON. Text that would spell a marker inside a string is escaped ({@code \x5b}
 * in Python, {@code \u005b} in JSON) so a value can never open or close a block.
 */
public final class CmlWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private CmlWriter() {
    }

    public static String call(String id, String function, Map<String, ?> arguments) {
        String body = callBody(function, arguments);
        return id == null ? "[CALL]" + body + "[END]" : "[CALL]" + id + "[HEAD]" + body + "[END]";
    }

    public static String interrupt(String id, String valueJson) {
        return "[INTR]" + id + "[HEAD]" + valueJson + "[END]";
    }

    public static String trap() {
        return "[TRAP][END]";
    }

    /** True when {@code value} is what {@link #errorJson} writes: an object with the one key {@code error}. */
    public static boolean isError(JsonNode value) {
        return value.isObject() && value.size() == 1 && value.has("error");
    }

    /** {@link #isError(JsonNode)} of an interrupt's value as written; text that is not JSON is no error value. */
    public static boolean isError(String valueJson) {
        try {
            return isError(JSON.readTree(valueJson));
        } catch (JsonProcessingException e) {
            return false;
        }
    }

    /** {@code {"error": message}} as an interrupt value. */
    public static String errorJson(String message) {
        return json(JsonNodeFactory.instance.objectNode().put("error", message));
    }

    public static String callBody(String function, Map<String, ?> arguments) {
        StringBuilder sb = new StringBuilder(function).append('(');
        boolean first = true;
        for (Map.Entry<String, ?> e : arguments.entrySet()) {
            if (!first) {
                sb.append(", ");
            }
            first = false;
            sb.append(e.getKey()).append('=');
            pyLiteral(e.getValue(), sb);
        }
        return sb.append(')').toString();
    }

    public static String pyLiteral(Object v) {
        StringBuilder sb = new StringBuilder();
        pyLiteral(v, sb);
        return sb.toString();
    }

    private static void pyLiteral(Object v, StringBuilder sb) {
        switch (v) {
            case null -> sb.append("None");
            case Boolean b -> sb.append(b ? "True" : "False");
            case String s -> pyString(s, sb);
            case Long l -> sb.append(l);
            case Integer n -> sb.append(n);
            case BigInteger n -> sb.append(n);
            case Double d -> sb.append(pyFloat(d));
            case Float f -> sb.append(pyFloat(f.doubleValue()));
            case PyTuple t -> {
                sb.append('(');
                items(t.items(), sb);
                if (t.items().size() == 1) {
                    sb.append(',');
                }
                sb.append(')');
            }
            case List<?> list -> {
                sb.append('[');
                items(list, sb);
                sb.append(']');
            }
            case Map<?, ?> map -> {
                sb.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    if (!first) {
                        sb.append(", ");
                    }
                    first = false;
                    pyLiteral(e.getKey(), sb);
                    sb.append(": ");
                    pyLiteral(e.getValue(), sb);
                }
                sb.append('}');
            }
            case JsonNode node -> pyLiteral(fromJson(node), sb);
            default -> throw new IllegalArgumentException("no Python literal for " + v.getClass().getName());
        }
    }

    private static void items(List<?> items, StringBuilder sb) {
        for (int k = 0; k < items.size(); k++) {
            if (k > 0) {
                sb.append(", ");
            }
            pyLiteral(items.get(k), sb);
        }
    }

    /** Python's repr of a str: single quotes unless only double quotes avoid escaping. */
    static void pyString(String s, StringBuilder sb) {
        char q = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        sb.append(q);
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            if (c == q || c == '\\') {
                sb.append('\\').append(c);
            } else if (c == '\n') {
                sb.append("\\n");
            } else if (c == '\r') {
                sb.append("\\r");
            } else if (c == '\t') {
                sb.append("\\t");
            } else if (c < 0x20 || (c >= 0x7f && c < 0xa0)) {
                sb.append(String.format("\\x%02x", (int) c));
            } else if (c == '[' && startsMarker(s, k)) {
                sb.append("\\x5b");
            } else {
                sb.append(c);
            }
        }
        sb.append(q);
    }

    private static boolean startsMarker(String s, int at) {
        for (CmlToken t : CmlToken.values()) {
            if (s.startsWith(t.text(), at)) {
                return true;
            }
        }
        return false;
    }

    /** Python's repr of a float: shortest round-trip digits, exponent form below 1e-4 and from 1e16. */
    public static String pyFloat(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new IllegalArgumentException("non-finite float " + d + " has no Python literal");
        }
        if (d == 0) {
            return (1 / d < 0) ? "-0.0" : "0.0";
        }
        BigDecimal bd = shortestRoundTrip(Math.abs(d));
        String digits = bd.unscaledValue().toString();
        int exp = digits.length() - 1 - bd.scale();
        StringBuilder sb = new StringBuilder(d < 0 ? "-" : "");
        if (exp < -4 || exp >= 16) {
            sb.append(digits.charAt(0));
            if (digits.length() > 1) {
                sb.append('.').append(digits, 1, digits.length());
            }
            sb.append('e').append(exp < 0 ? '-' : '+');
            int a = Math.abs(exp);
            if (a < 10) {
                sb.append('0');
            }
            sb.append(a);
        } else if (exp >= 0) {
            if (digits.length() <= exp + 1) {
                sb.append(digits).append("0".repeat(exp + 1 - digits.length())).append(".0");
            } else {
                sb.append(digits, 0, exp + 1).append('.').append(digits, exp + 1, digits.length());
            }
        } else {
            sb.append("0.").append("0".repeat(-exp - 1)).append(digits);
        }
        return sb.toString();
    }

    /**
     * The shortest decimal that reads back as {@code d}, nearest to it among equals, as Python's repr chooses. Since
     * JDK 19 Double.toString is shortest except where it must print a second digit (4.9E-324 for 5e-324).
     */
    private static BigDecimal shortestRoundTrip(double d) {
        BigDecimal fromJava = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        if (fromJava.precision() > 1) {
            BigDecimal exact = new BigDecimal(d);
            for (int digits = 1; digits < fromJava.precision(); digits++) {
                BigDecimal candidate = exact.round(new MathContext(digits, RoundingMode.HALF_EVEN));
                if (candidate.doubleValue() == d) {
                    return candidate.stripTrailingZeros();
                }
            }
        }
        return fromJava;
    }

    /** Compact JSON of a value (Jackson tree or plain Java values), with markers inside strings escaped. */
    public static String json(Object value) {
        try {
            return escapeMarkersInJson(JSON.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("value cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static String escapeMarkersInJson(String s) {
        int k = nextMarker(s, 0);
        if (k < 0) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length() + 16);
        int last = 0;
        while (k >= 0) {
            sb.append(s, last, k).append("\\u005b");
            last = k + 1;
            k = nextMarker(s, last);
        }
        return sb.append(s, last, s.length()).toString();
    }

    /** The next '[' at or after {@code from} that starts a marker, or -1. Outside strings JSON never has '['
     * followed by a letter of a marker, so only strings are touched. */
    private static int nextMarker(String s, int from) {
        for (int k = s.indexOf('[', from); k >= 0; k = s.indexOf('[', k + 1)) {
            if (startsMarker(s, k)) {
                return k;
            }
        }
        return -1;
    }

    /** A Jackson tree as plain Java values: String, Long/BigInteger, Double, Boolean, null, List, Map. */
    public static Object fromJson(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isIntegralNumber()) {
            return node.canConvertToLong() ? (Object) node.longValue() : node.bigIntegerValue();
        }
        if (node.isNumber()) {
            return node.doubleValue();
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>(node.size());
            node.forEach(n -> list.add(fromJson(n)));
            return list;
        }
        Map<String, Object> map = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            map.put(e.getKey(), fromJson(e.getValue()));
        }
        return map;
    }
}
