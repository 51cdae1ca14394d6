package org.asynclm.bfcl.multiturn;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * Python arithmetic on {@link Py} numbers: int with int stays int (arbitrary precision), anything with a float is
 * a float, and {@code round} rounds the exact binary value half to even, as CPython does.
 */
public final class PyMath {
    private PyMath() {
    }

    private static boolean bothInts(Object a, Object b) {
        return Py.isInt(a) && Py.isInt(b);
    }

    static BigInteger big(Object v) {
        if (v instanceof Boolean b) {
            return b ? BigInteger.ONE : BigInteger.ZERO;
        }
        if (v instanceof BigInteger i) {
            return i;
        }
        return BigInteger.valueOf(((Number) v).longValue());
    }

    /** An int result as Long where it fits, as BigInteger where it does not. */
    static Object normal(BigInteger i) {
        return i.bitLength() < 64 ? (Object) i.longValue() : i;
    }

    public static Object add(Object a, Object b) throws PyException {
        check(a, b, "+");
        return bothInts(a, b) ? normal(big(a).add(big(b))) : (Object) (Py.toDouble(a) + Py.toDouble(b));
    }

    public static Object sub(Object a, Object b) throws PyException {
        check(a, b, "-");
        return bothInts(a, b) ? normal(big(a).subtract(big(b))) : (Object) (Py.toDouble(a) - Py.toDouble(b));
    }

    public static Object mul(Object a, Object b) throws PyException {
        check(a, b, "*");
        return bothInts(a, b) ? normal(big(a).multiply(big(b))) : (Object) (Py.toDouble(a) * Py.toDouble(b));
    }

    /** {@code a / b}, always a float; division by zero raises as Python does. */
    public static double div(Object a, Object b) throws PyException {
        check(a, b, "/");
        if (Py.toDouble(b) == 0) {
            throw new PyException(bothInts(a, b) ? "division by zero" : "float division by zero");
        }
        if (bothInts(a, b)) {
            return new BigDecimal(big(a)).divide(new BigDecimal(big(b)), java.math.MathContext.DECIMAL128)
                    .doubleValue();
        }
        return Py.toDouble(a) / Py.toDouble(b);
    }

    /** {@code a < b} for numbers. */
    public static int compare(Object a, Object b) throws PyException {
        check(a, b, "<");
        if (bothInts(a, b)) {
            return big(a).compareTo(big(b));
        }
        return Double.compare(Py.toDouble(a), Py.toDouble(b));
    }

    /** {@code round(x, n)}: a float for a float, an int for an int. */
    public static Object round(Object x, long digits) throws PyException {
        if (!Py.isNumber(x)) {
            throw new PyException("type " + Py.typeName(x) + " doesn't define __round__ method");
        }
        if (Py.isInt(x)) {
            return digits >= 0 ? normal(big(x))
                    : normal(new BigDecimal(big(x)).setScale((int) digits, RoundingMode.HALF_EVEN).toBigInteger());
        }
        double d = (Double) x;
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return d;
        }
        return new BigDecimal(d).setScale((int) digits, RoundingMode.HALF_EVEN).doubleValue();
    }

    private static void check(Object a, Object b, String op) throws PyException {
        if (!Py.isNumber(a) || !Py.isNumber(b)) {
            throw new PyException("unsupported operand type(s) for " + op + ": '" + Py.typeName(a) + "' and '"
                    + Py.typeName(b) + "'");
        }
    }
}
