package org.asynclm.eval.bfcl;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.asynclm.cml.PyTuple;

/**
 * Python's view of decoded values, which the checker's rules are written in: {@code type(v)} and {@code ==}
 * (where {@code 1 == 1.0 == True}, and a tuple never equals a list).
 */
enum PyType {
    STR, INT, FLOAT, BOOL, LIST, TUPLE, DICT, NONE, SET;

    static PyType of(Object v) {
        return switch (v) {
            case null -> NONE;
            case String s -> STR;
            case Boolean b -> BOOL;
            case Long l -> INT;
            case Integer n -> INT;
            case BigInteger n -> INT;
            case Double d -> FLOAT;
            case PyTuple t -> TUPLE;
            case List<?> l -> LIST;
            case Map<?, ?> m -> DICT;
            default -> throw new IllegalArgumentException("no Python type for " + v.getClass());
        };
    }

    /** Python's {@code a == b}. */
    static boolean equal(Object a, Object b) {
        PyType ta = of(a);
        PyType tb = of(b);
        if (isNumber(ta) && isNumber(tb)) {
            return number(a).compareTo(number(b)) == 0;
        }
        if (ta != tb) {
            return false;
        }
        return switch (ta) {
            case NONE -> true;
            case STR -> a.equals(b);
            case LIST -> sequenceEqual((List<?>) a, (List<?>) b);
            case TUPLE -> sequenceEqual(((PyTuple) a).items(), ((PyTuple) b).items());
            case DICT -> dictEqual((Map<?, ?>) a, (Map<?, ?>) b);
            default -> a.equals(b);
        };
    }

    /** Python's {@code v in list}. */
    static boolean in(Object v, List<?> list) {
        for (Object x : list) {
            if (equal(v, x)) {
                return true;
            }
        }
        return false;
    }

    private static boolean sequenceEqual(List<?> a, List<?> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int k = 0; k < a.size(); k++) {
            if (!equal(a.get(k), b.get(k))) {
                return false;
            }
        }
        return true;
    }

    private static boolean dictEqual(Map<?, ?> a, Map<?, ?> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (Iterator<? extends Map.Entry<?, ?>> it = a.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<?, ?> e = it.next();
            Object key = findKey(b, e.getKey());
            if (key == NO_KEY || !equal(e.getValue(), b.get(key))) {
                return false;
            }
        }
        return true;
    }

    private static final Object NO_KEY = new Object();

    private static Object findKey(Map<?, ?> m, Object k) {
        for (Object key : m.keySet()) {
            if (equal(key, k)) {
                return key;
            }
        }
        return NO_KEY;
    }

    private static boolean isNumber(PyType t) {
        return t == INT || t == FLOAT || t == BOOL;
    }

    private static BigDecimal number(Object v) {
        return switch (v) {
            case Boolean b -> b ? BigDecimal.ONE : BigDecimal.ZERO;
            case Long l -> BigDecimal.valueOf(l);
            case Integer n -> BigDecimal.valueOf(n);
            case BigInteger n -> new BigDecimal(n);
            case Double d -> Double.isFinite(d) ? new BigDecimal(d) : BigDecimal.valueOf(Double.MAX_VALUE);
            default -> throw new IllegalArgumentException();
        };
    }

    /** Python's {@code type(v).__name__}. */
    String pythonName() {
        return switch (this) {
            case NONE -> "NoneType";
            default -> name().toLowerCase(Locale.ROOT);
        };
    }
}
