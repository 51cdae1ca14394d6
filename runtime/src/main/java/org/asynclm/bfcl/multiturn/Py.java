package org.asynclm.bfcl.multiturn;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.asynclm.cml.CmlWriter;
import org.asynclm.cml.PyTuple;

/**
 * Python values in Java and the three Python operations BFCL's multi-turn scoring rests on: {@code ==} (the state
 * check), {@code str()} (how a result that is not a dict is serialised) and {@code json.dumps} (how a dict is).
 * Values are String, Long or BigInteger (int), Double (float), Boolean, null (None), List (list), {@link PyTuple},
 * Set (set), Map (dict, insertion-ordered) and {@link PyObject}s that bring their own {@code ==} and {@code repr}.
 */
public final class Py {
    private Py() {
    }

    /** A Python object that is not a builtin value: it defines {@code repr}, and {@code json.dumps} refuses it. */
    public interface PyObject {
        String repr();
    }

    /** Python's {@code ...}, which one of BFCL's long-context lists holds. */
    public static final PyObject ELLIPSIS = () -> "Ellipsis";

    /** Thrown by {@link #jsonDumps} where Python's {@code json.dumps} raises (a set, a Decimal, an object). */
    public static final class NotJsonSerializable extends Exception {
        NotJsonSerializable(Object value) {
            super("Object of type " + typeName(value) + " is not JSON serializable");
        }
    }

    // ---- values from JSON (json.loads) -------------------------------------------------------------------------

    /** {@code json.loads}' value for a Jackson node: objects become insertion-ordered, mutable dicts. */
    @SuppressWarnings("unchecked")
    public static Object fromJson(JsonNode node) {
        Object v = CmlWriter.fromJson(node);
        return v instanceof Map<?, ?> m ? (Map<Object, Object>) m : v;
    }

    /** {@code copy.deepcopy} of a builtin value tree; objects other than builtins are shared. */
    @SuppressWarnings("unchecked")
    public static Object deepCopy(Object v) {
        if (v instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(k, deepCopy(x)));
            return out;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(x -> out.add(deepCopy(x)));
            return out;
        }
        if (v instanceof Set<?> s) {
            return new LinkedHashSet<>((Set<Object>) s);
        }
        return v;
    }

    // ---- == ----------------------------------------------------------------------------------------------------

    /** Python's {@code ==}: numbers across int, float and bool; dicts regardless of order; lists in order. */
    public static boolean eq(Object a, Object b) {
        if (a == b) {
            return true;
        }
        if (a == null || b == null) {
            return false;
        }
        if (isNumber(a) && isNumber(b)) {
            return numericEquals(a, b);
        }
        if (a instanceof String || b instanceof String) {
            return a.equals(b);
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            return sequenceEquals(x, y);
        }
        if (a instanceof PyTuple x && b instanceof PyTuple y) {
            return sequenceEquals(x.items(), y.items());
        }
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (Map.Entry<?, ?> e : x.entrySet()) {
                Object key = findKey(y, e.getKey());
                if (key == NO_KEY || !eq(e.getValue(), y.get(key))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Set<?> x && b instanceof Set<?> y) {
            return x.size() == y.size() && x.stream().allMatch(k -> contains(y, k));
        }
        return a.equals(b);
    }

    private static final Object NO_KEY = new Object();

    private static Object findKey(Map<?, ?> map, Object key) {
        if (map.containsKey(key)) {
            return key;
        }
        for (Object k : map.keySet()) {
            if (eq(k, key)) {
                return k;
            }
        }
        return NO_KEY;
    }

    /** Python's {@code x in collection} for a list, set or dict's keys. */
    public static boolean contains(Collection<?> collection, Object x) {
        for (Object y : collection) {
            if (eq(x, y)) {
                return true;
            }
        }
        return false;
    }

    private static boolean sequenceEquals(List<?> x, List<?> y) {
        if (x.size() != y.size()) {
            return false;
        }
        for (int i = 0; i < x.size(); i++) {
            if (!eq(x.get(i), y.get(i))) {
                return false;
            }
        }
        return true;
    }

    public static boolean isNumber(Object v) {
        return v instanceof Long || v instanceof Integer || v instanceof Double || v instanceof BigInteger
                || v instanceof Boolean;
    }

    /** An int (bool counts, as in Python). */
    public static boolean isInt(Object v) {
        return v instanceof Long || v instanceof Integer || v instanceof BigInteger || v instanceof Boolean;
    }

    private static boolean numericEquals(Object a, Object b) {
        if (a instanceof Double x && Double.isNaN(x) || b instanceof Double y && Double.isNaN(y)) {
            return false;
        }
        return exact(a).compareTo(exact(b)) == 0;
    }

    private static BigDecimal exact(Object v) {
        if (v instanceof Double d) {
            return Double.isInfinite(d) ? BigDecimal.valueOf(Math.signum(d)).scaleByPowerOfTen(400) : new BigDecimal(d);
        }
        if (v instanceof Boolean b) {
            return b ? BigDecimal.ONE : BigDecimal.ZERO;
        }
        if (v instanceof BigInteger i) {
            return new BigDecimal(i);
        }
        return BigDecimal.valueOf(((Number) v).longValue());
    }

    /** A number as a double (bool as 0 or 1). */
    public static double toDouble(Object v) {
        if (v instanceof Boolean b) {
            return b ? 1 : 0;
        }
        return ((Number) v).doubleValue();
    }

    /** Python's truth value. */
    public static boolean truthy(Object v) {
        if (v == null) {
            return false;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        if (isNumber(v)) {
            return exact(v).signum() != 0;
        }
        if (v instanceof String s) {
            return !s.isEmpty();
        }
        if (v instanceof Collection<?> c) {
            return !c.isEmpty();
        }
        if (v instanceof Map<?, ?> m) {
            return !m.isEmpty();
        }
        if (v instanceof PyTuple t) {
            return !t.items().isEmpty();
        }
        return true;
    }

    // ---- str() and repr() --------------------------------------------------------------------------------------

    /** Python's {@code str()}: a string is itself, anything else its {@code repr}. */
    public static String str(Object v) {
        return v instanceof String s ? s : repr(v);
    }

    public static String repr(Object v) {
        if (v == null) {
            return "None";
        }
        if (v instanceof Boolean b) {
            return b ? "True" : "False";
        }
        if (v instanceof Double d) {
            return floatRepr(d);
        }
        if (v instanceof Number n) {
            return n.toString();
        }
        if (v instanceof String s) {
            return stringRepr(s);
        }
        if (v instanceof PyObject o) {
            return o.repr();
        }
        if (v instanceof List<?> l) {
            return join("[", l, "]");
        }
        if (v instanceof PyTuple t) {
            return t.items().size() == 1 ? "(" + repr(t.items().get(0)) + ",)" : join("(", t.items(), ")");
        }
        if (v instanceof Set<?> s) {
            return s.isEmpty() ? "set()" : join("{", s, "}");
        }
        if (v instanceof Map<?, ?> m) {
            StringBuilder sb = new StringBuilder("{");
            Iterator<? extends Map.Entry<?, ?>> it = m.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<?, ?> e = it.next();
                sb.append(repr(e.getKey())).append(": ").append(repr(e.getValue()));
                if (it.hasNext()) {
                    sb.append(", ");
                }
            }
            return sb.append('}').toString();
        }
        throw new IllegalArgumentException("not a Python value: " + v.getClass().getName());
    }

    private static String join(String open, Collection<?> items, String close) {
        StringBuilder sb = new StringBuilder(open);
        Iterator<?> it = items.iterator();
        while (it.hasNext()) {
            sb.append(repr(it.next()));
            if (it.hasNext()) {
                sb.append(", ");
            }
        }
        return sb.append(close).toString();
    }

    /** Python's string repr: single quotes unless the text has one and no double quote. */
    static String stringRepr(String s) {
        char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        StringBuilder sb = new StringBuilder().append(quote);
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            if (c == quote || c == '\\') {
                sb.append('\\').appendCodePoint(c);
            } else if (c == '\n') {
                sb.append("\\n");
            } else if (c == '\r') {
                sb.append("\\r");
            } else if (c == '\t') {
                sb.append("\\t");
            } else if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\x%02x", c));
            } else if (c < 0x7f || printable(c)) {
                sb.appendCodePoint(c);
            } else if (c <= 0xff) {
                sb.append(String.format("\\x%02x", c));
            } else if (c <= 0xffff) {
                sb.append(String.format("\\u%04x", c));
            } else {
                sb.append(String.format("\\U%08x", c));
            }
        }
        return sb.append(quote).toString();
    }

    /** Python's {@code str.isprintable} for one non-ASCII code point (separators and controls are not). */
    private static boolean printable(int c) {
        int type = Character.getType(c);
        return type != Character.CONTROL && type != Character.FORMAT && type != Character.SURROGATE
                && type != Character.PRIVATE_USE && type != Character.UNASSIGNED && type != Character.LINE_SEPARATOR
                && type != Character.PARAGRAPH_SEPARATOR && (type != Character.SPACE_SEPARATOR);
    }

    /** Python's {@code repr(float)}, non-finite values included. */
    public static String floatRepr(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        return CmlWriter.pyFloat(d);
    }

    /** Python's {@code f"{x:.Nf}"}: the exact binary value rounded half to even. */
    public static String formatFixed(double x, int digits) {
        return new BigDecimal(x).setScale(digits, RoundingMode.HALF_EVEN).toPlainString();
    }

    // ---- json.dumps --------------------------------------------------------------------------------------------

    /** {@code json.dumps(v)} with Python's defaults: ", " and ": " separators and ASCII-only output. */
    public static String jsonDumps(Object v) throws NotJsonSerializable {
        StringBuilder sb = new StringBuilder();
        dump(v, sb);
        return sb.toString();
    }

    private static void dump(Object v, StringBuilder sb) throws NotJsonSerializable {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof Boolean b) {
            sb.append(b ? "true" : "false");
        } else if (v instanceof Double d) {
            sb.append(Double.isNaN(d) ? "NaN" : Double.isInfinite(d) ? (d > 0 ? "Infinity" : "-Infinity") : floatRepr(d));
        } else if (v instanceof Number n) {
            sb.append(n);
        } else if (v instanceof String s) {
            jsonString(s, sb);
        } else if (v instanceof List<?> l) {
            dumpAll(l, sb);
        } else if (v instanceof PyTuple t) {
            dumpAll(t.items(), sb);
        } else if (v instanceof Map<?, ?> m) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) {
                    sb.append(", ");
                }
                first = false;
                jsonString(jsonKey(e.getKey()), sb);
                sb.append(": ");
                dump(e.getValue(), sb);
            }
            sb.append('}');
        } else {
            throw new NotJsonSerializable(v);
        }
    }

    private static void dumpAll(List<?> items, StringBuilder sb) throws NotJsonSerializable {
        sb.append('[');
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            dump(items.get(i), sb);
        }
        sb.append(']');
    }

    private static String jsonKey(Object key) throws NotJsonSerializable {
        if (key instanceof String s) {
            return s;
        }
        if (key == null) {
            return "null";
        }
        if (key instanceof Boolean b) {
            return b ? "true" : "false";
        }
        if (key instanceof Double d) {
            return floatRepr(d);
        }
        if (key instanceof Number n) {
            return n.toString();
        }
        throw new NotJsonSerializable(key);
    }

    private static void jsonString(String s, StringBuilder sb) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    static String typeName(Object v) {
        if (v == null) {
            return "NoneType";
        }
        if (v instanceof Boolean) {
            return "bool";
        }
        if (v instanceof Double) {
            return "float";
        }
        if (isInt(v)) {
            return "int";
        }
        if (v instanceof String) {
            return "str";
        }
        if (v instanceof List) {
            return "list";
        }
        if (v instanceof PyTuple) {
            return "tuple";
        }
        if (v instanceof Set) {
            return "set";
        }
        if (v instanceof Map) {
            return "dict";
        }
        return v.getClass().getSimpleName();
    }

    // ---- small constructors for backend code -------------------------------------------------------------------

    /** An insertion-ordered dict from alternating keys and values. */
    public static Map<Object, Object> dict(Object... keysAndValues) {
        Map<Object, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    /** A mutable list. */
    public static List<Object> list(Object... items) {
        return new ArrayList<>(java.util.Arrays.asList(items));
    }
}
