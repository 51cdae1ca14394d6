package org.asynclm.cml;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/** Constant folding of arithmetic in call arguments, as BFCL evaluates a BinOp; Python's int/float rules. */
final class Arith {
    private Arith() {
    }

    static void requireNumber(Object v, int at, PyParser p) throws PySyntaxException {
        if (!(v instanceof Long || v instanceof BigInteger || v instanceof Double)) {
            throw p.error("arithmetic on a non-number", at);
        }
    }

    static Object negate(Object v, int at, PyParser p) throws PySyntaxException {
        requireNumber(v, at, p);
        if (v instanceof Double d) {
            return -d;
        }
        return PyParser.narrow(big(v).negate());
    }

    static Object add(Object a, Object b, int at, PyParser p) throws PySyntaxException {
        if (a instanceof String sa && b instanceof String sb) {
            return sa + sb;
        }
        return numeric(a, b, at, p, BigInteger::add, Double::sum);
    }

    static Object sub(Object a, Object b, int at, PyParser p) throws PySyntaxException {
        return numeric(a, b, at, p, BigInteger::subtract, (x, y) -> x - y);
    }

    static Object mul(Object a, Object b, int at, PyParser p) throws PySyntaxException {
        return numeric(a, b, at, p, BigInteger::multiply, (x, y) -> x * y);
    }

    static Object div(Object a, Object b, int at, PyParser p) throws PySyntaxException {
        requireNumber(a, at, p);
        requireNumber(b, at, p);
        double d = dbl(b);
        if (d == 0) {
            throw p.error("division by zero", at);
        }
        return dbl(a) / d;
    }

    static Object floorDiv(Object a, Object b, int at, PyParser p) throws PySyntaxException {
        requireNumber(a, at, p);
        requireNumber(b, at, p);
        if (dbl(b) == 0) {
            throw p.error("division by zero", at);
        }
        if (a instanceof Double || b instanceof Double) {
            return Math.floor(dbl(a) / dbl(b));
        }
        BigInteger[] qr = big(a).divideAndRemainder(big(b));
        BigInteger q = qr[0];
        if (qr[1].signum() != 0 && (qr[1].signum() != big(b).signum())) {
            q = q.subtract(BigInteger.ONE);
        }
        return PyParser.narrow(q);
    }

    static Object mod(Object a, Object b, int at, PyParser p) throws PySyntaxException {
        requireNumber(a, at, p);
        requireNumber(b, at, p);
        if (dbl(b) == 0) {
            throw p.error("division by zero", at);
        }
        if (a instanceof Double || b instanceof Double) {
            double m = dbl(a) % dbl(b);
            return (m != 0 && (m < 0) != (dbl(b) < 0)) ? m + dbl(b) : m;
        }
        BigInteger m = big(a).mod(big(b).abs());
        if (big(b).signum() < 0 && m.signum() != 0) {
            m = m.add(big(b));
        }
        return PyParser.narrow(m);
    }

    static Object pow(Object a, Object b, int at, PyParser p) throws PySyntaxException {
        requireNumber(a, at, p);
        requireNumber(b, at, p);
        if (a instanceof Double || b instanceof Double || big(b).signum() < 0) {
            return Math.pow(dbl(a), dbl(b));
        }
        if (big(b).bitLength() > 16) {
            throw p.error("exponent too large", at);
        }
        return PyParser.narrow(big(a).pow(big(b).intValueExact()));
    }

    private interface IntOp {
        BigInteger apply(BigInteger x, BigInteger y);
    }

    private interface FloatOp {
        double apply(double x, double y);
    }

    private static Object numeric(Object a, Object b, int at, PyParser p, IntOp ints, FloatOp floats)
            throws PySyntaxException {
        requireNumber(a, at, p);
        requireNumber(b, at, p);
        if (a instanceof Double || b instanceof Double) {
            return floats.apply(dbl(a), dbl(b));
        }
        return PyParser.narrow(ints.apply(big(a), big(b)));
    }

    private static BigInteger big(Object v) {
        return v instanceof BigInteger b ? b : BigInteger.valueOf((Long) v);
    }

    private static double dbl(Object v) {
        if (v instanceof Double d) {
            return d;
        }
        return new BigDecimal(big(v)).setScale(0, RoundingMode.UNNECESSARY).doubleValue();
    }
}
