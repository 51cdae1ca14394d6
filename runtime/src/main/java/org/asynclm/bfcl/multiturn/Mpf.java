package org.asynclm.bfcl.multiturn;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * An mpmath {@code mpf} as MathAPI's {@code logarithm} makes it: {@code mp.dps = precision}, then
 * {@code log(value) / log(base)}, each step rounded to the context's binary precision, and shown as mpmath's
 * {@code repr} shows it ({@code mpf('5.140388835745')}: a few more digits than dps, trailing zeros stripped).
 */
record Mpf(BigDecimal value, int prec) implements Py.PyObject {
    private static final double LOG2_10 = 3.3219280948873626;
    private static final MathContext WORK = new MathContext(120, RoundingMode.HALF_EVEN);

    /** {@code mpmath.log(value) / mpmath.log(base)} at {@code mp.dps = dps}. */
    static Mpf logRatio(double value, double base, long dps) {
        int prec = (int) Math.max(1, Math.round((dps + 1) * LOG2_10));
        if (value <= 0 || base <= 0) {
            throw new ArithmeticException("logarithm of a non-positive number (mpmath answers a complex number,"
                    + " which this port does not model)");
        }
        BigDecimal logValue = roundBits(ln(roundBits(new BigDecimal(value), prec)), prec);
        BigDecimal logBase = roundBits(ln(roundBits(new BigDecimal(base), prec)), prec);
        if (logBase.signum() == 0) {
            throw new ArithmeticException("division by zero");
        }
        return new Mpf(roundBits(logValue.divide(logBase, WORK), prec), prec);
    }

    /** The natural logarithm of x > 0 to 120 digits: x = m * 2^k with m in [1, 2), ln m = 2 atanh((m-1)/(m+1)). */
    static BigDecimal ln(BigDecimal x) {
        if (x.compareTo(BigDecimal.ONE) == 0) {
            return BigDecimal.ZERO;
        }
        int k = floorLog2(x);
        BigDecimal m = k >= 0 ? x.divide(new BigDecimal(BigInteger.TWO.pow(k)), WORK)
                : x.multiply(new BigDecimal(BigInteger.TWO.pow(-k)), WORK);
        BigDecimal lnM = atanh2(m.subtract(BigDecimal.ONE).divide(m.add(BigDecimal.ONE), WORK));
        BigDecimal ln2 = atanh2(BigDecimal.ONE.divide(BigDecimal.valueOf(3), WORK));
        return lnM.add(ln2.multiply(BigDecimal.valueOf(k), WORK), WORK);
    }

    /** 2 atanh(z) = 2 (z + z^3/3 + z^5/5 + ...), for |z| <= 1/3. */
    private static BigDecimal atanh2(BigDecimal z) {
        BigDecimal z2 = z.multiply(z, WORK);
        BigDecimal term = z;
        BigDecimal sum = BigDecimal.ZERO;
        BigDecimal eps = BigDecimal.ONE.movePointLeft(125);
        for (int n = 1; term.abs().compareTo(eps) > 0; n += 2) {
            sum = sum.add(term.divide(BigDecimal.valueOf(n), WORK), WORK);
            term = term.multiply(z2, WORK);
        }
        return sum.multiply(BigDecimal.valueOf(2), WORK);
    }

    private static int floorLog2(BigDecimal x) {
        int e = Math.getExponent(x.doubleValue());
        while (pow2(e).compareTo(x) > 0) {
            e--;
        }
        while (pow2(e + 1).compareTo(x) <= 0) {
            e++;
        }
        return e;
    }

    private static BigDecimal pow2(int e) {
        return e >= 0 ? new BigDecimal(BigInteger.TWO.pow(e)) : BigDecimal.ONE.divide(new BigDecimal(BigInteger.TWO.pow(-e)));
    }

    /** x rounded to p significant bits, ties to even (mpmath's default rounding). */
    static BigDecimal roundBits(BigDecimal x, int p) {
        if (x.signum() == 0) {
            return x;
        }
        int shift = floorLog2(x.abs()) - (p - 1);
        BigDecimal scaled = x.multiply(pow2(-shift));
        BigInteger mantissa = scaled.setScale(0, RoundingMode.HALF_EVEN).toBigIntegerExact();
        return new BigDecimal(mantissa).multiply(pow2(shift));
    }

    /** mpmath's repr: {@code mpf('digits')} with {@code repr_dps(prec)} digits. */
    @Override
    public String repr() {
        return "mpf('" + toStr(reprDigits()) + "')";
    }

    private int reprDigits() {
        int dps = (int) Math.max(1, Math.round(prec / LOG2_10) - 1);
        return dps == 15 ? 17 : dps + 3;
    }

    /** mpmath's {@code to_str(s, dps)}: dps+3 digits, rounded half up to dps, fixed notation near unit size. */
    String toStr(int dps) {
        if (value.signum() == 0) {
            return "0.0";
        }
        String sign = value.signum() < 0 ? "-" : "";
        BigDecimal abs = value.abs();
        BigDecimal truncated = abs.round(new MathContext(dps + 3, RoundingMode.DOWN));
        int exponent = truncated.precision() - truncated.scale() - 1;
        String digits = truncated.unscaledValue().toString();
        digits = (digits + "0".repeat(dps + 3)).substring(0, dps + 3);
        if ("56789".indexOf(digits.charAt(dps)) >= 0) {
            digits = digits.substring(0, dps);
            int i = dps - 1;
            while (i >= 0 && digits.charAt(i) == '9') {
                i--;
            }
            if (i >= 0) {
                digits = digits.substring(0, i) + (char) (digits.charAt(i) + 1) + "0".repeat(dps - i - 1);
            } else {
                digits = "1" + "0".repeat(dps - 1);
                exponent++;
            }
        } else {
            digits = digits.substring(0, dps);
        }
        int minFixed = Math.min(-(dps / 3), -5);
        int split = 1;
        if (minFixed < exponent && exponent < dps) {
            if (exponent < 0) {
                digits = "0".repeat(-exponent) + digits;
            } else {
                split = exponent + 1;
                if (split > dps) {
                    digits += "0".repeat(split - dps);
                }
            }
            exponent = 0;
        }
        String s = digits.substring(0, split) + "." + digits.substring(split);
        s = s.replaceAll("0+$", "");
        if (s.endsWith(".")) {
            s += "0";
        }
        if (exponent == 0) {
            return sign + s;
        }
        return sign + s + (exponent > 0 ? "e+" : "e") + exponent;
    }
}
