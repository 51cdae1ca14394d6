package org.asynclm.bfcl.multiturn;

import static org.asynclm.bfcl.multiturn.Py.dict;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * BFCL's MathAPI (math_api.py), stateless. {@code logarithm} answers an mpmath number and {@code square_root} a
 * Decimal, which {@code json.dumps} refuses, so their results reach the model as {@code str()} of the dict:
 * {@code {'result': mpf('2.0')}}.
 */
public final class MathApi extends Backend {
    /** Python's table: ints where it wrote ints, so that km and m keep an int value an int until the division. */
    private static final Map<String, Object> TO_METERS = Map.of("km", 1000L, "m", 1L, "cm", 0.01, "mm", 0.001,
            "um", 1e-6, "nm", 1e-9);
    private static final Map<String, Double> IMPERIAL = Map.ofEntries(Map.entry("cm_to_in", 0.393701),
            Map.entry("in_to_cm", 2.54), Map.entry("m_to_ft", 3.28084), Map.entry("ft_to_m", 0.3048),
            Map.entry("m_to_yd", 1.09361), Map.entry("yd_to_m", 0.9144), Map.entry("km_to_miles", 0.621371),
            Map.entry("miles_to_km", 1.60934), Map.entry("kg_to_lb", 2.20462), Map.entry("lb_to_kg", 0.453592),
            Map.entry("celsius_to_fahrenheit", 1.8), Map.entry("fahrenheit_to_celsius", 5.0 / 9));

    public MathApi() {
        method("logarithm", a -> logarithm(a.get("value"), a.get("base"), a.get("precision")), required("value"),
                required("base"), required("precision"));
        method("mean", a -> over(a.get("numbers"), "Cannot calculate mean of an empty list",
                ns -> PyMath.div(sum(ns), (long) ns.size())), required("numbers"));
        method("standard_deviation", a -> over(a.get("numbers"), "Cannot calculate standard deviation of an empty list",
                MathApi::standardDeviation), required("numbers"));
        method("si_unit_conversion", a -> siConversion(a.get("value"), a.get("unit_in"), a.get("unit_out")),
                required("value"), required("unit_in"), required("unit_out"));
        method("imperial_si_conversion", a -> imperialConversion(a.get("value"), a.get("unit_in"), a.get("unit_out")),
                required("value"), required("unit_in"), required("unit_out"));
        method("add", a -> binary(a.get("a"), a.get("b"), PyMath::add), required("a"), required("b"));
        method("subtract", a -> binary(a.get("a"), a.get("b"), PyMath::sub), required("a"), required("b"));
        method("multiply", a -> binary(a.get("a"), a.get("b"), PyMath::mul), required("a"), required("b"));
        method("divide", a -> divide(a.get("a"), a.get("b")), required("a"), required("b"));
        method("power", a -> binary(a.get("base"), a.get("exponent"), MathApi::power), required("base"),
                required("exponent"));
        method("square_root", a -> squareRoot(a.get("number"), a.get("precision")), required("number"),
                required("precision"));
        method("absolute_value", a -> Py.isNumber(a.get("number"))
                ? dict("result", PyMath.compare(a.get("number"), 0L) < 0 ? PyMath.sub(0L, a.get("number"))
                        : a.get("number") instanceof Boolean b ? (Object) (b ? 1L : 0L) : a.get("number"))
                : dict("error", "Input must be a number"), required("number"));
        method("round_number", a -> roundNumber(a.get("number"), a.get("decimal_places")), required("number"),
                optional("decimal_places", 0L));
        method("percentage", a -> percentage(a.get("part"), a.get("whole")), required("part"), required("whole"));
        method("min_value", a -> over(a.get("numbers"), "Cannot find minimum of an empty list", ns -> extreme(ns, -1)),
                required("numbers"));
        method("max_value", a -> over(a.get("numbers"), "Cannot find maximum of an empty list", ns -> extreme(ns, 1)),
                required("numbers"));
        method("sum_values", a -> over(a.get("numbers"), "Cannot calculate sum of an empty list", MathApi::sum),
                required("numbers"));
    }

    @Override
    public BackendClass kind() {
        return BackendClass.MATH_API;
    }

    @Override
    public void load(Map<Object, Object> scenario, boolean longContext) {
    }

    @Override
    public Map<String, Object> state() {
        return new LinkedHashMap<>();
    }

    @FunctionalInterface
    private interface Op {
        Object apply(Object a, Object b) throws PyException;
    }

    @FunctionalInterface
    private interface Reduction {
        Object apply(List<Object> numbers) throws PyException;
    }

    /** A list method: the empty-list error first, then "All elements ... numbers" where Python's TypeError is. */
    private static Object over(Object numbers, String emptyError, Reduction r) throws PyException {
        if (!Py.truthy(numbers)) {
            return dict("error", emptyError);
        }
        if (!(numbers instanceof List<?> l)) {
            throw new PyException("'" + Py.typeName(numbers) + "' object is not iterable");
        }
        @SuppressWarnings("unchecked")
        List<Object> ns = (List<Object>) l;
        if (!ns.stream().allMatch(Py::isNumber)) {
            return dict("error", "All elements in the list must be numbers");
        }
        return dict("result", r.apply(ns));
    }

    private static Object binary(Object a, Object b, Op op) throws PyException {
        if (!Py.isNumber(a) || !Py.isNumber(b)) {
            return dict("error", "Both inputs must be numbers");
        }
        return dict("result", op.apply(a, b));
    }

    private static Object sum(List<Object> numbers) throws PyException {
        Object total = 0L;
        for (Object n : numbers) {
            total = PyMath.add(total, n);
        }
        return total;
    }

    private static Object standardDeviation(List<Object> numbers) throws PyException {
        double mean = PyMath.div(sum(numbers), (long) numbers.size());
        Object squares = 0L;
        for (Object x : numbers) {
            double d = Py.toDouble(PyMath.sub(x, mean));
            squares = PyMath.add(squares, d * d);
        }
        return Math.sqrt(PyMath.div(squares, (long) numbers.size()));
    }

    private static Object extreme(List<Object> numbers, int sign) throws PyException {
        Object best = numbers.get(0);
        for (Object n : numbers.subList(1, numbers.size())) {
            if (PyMath.compare(n, best) * sign > 0) {
                best = n;
            }
        }
        return best;
    }

    private static Object power(Object base, Object exponent) throws PyException {
        if (Py.isInt(base) && Py.isInt(exponent) && PyMath.compare(exponent, 0L) >= 0) {
            return PyMath.normal(PyMath.big(base).pow((int) Py.toDouble(exponent)));
        }
        if (Py.toDouble(base) == 0 && Py.toDouble(exponent) < 0) {
            throw new PyException("0.0 cannot be raised to a negative power");
        }
        return Math.pow(Py.toDouble(base), Py.toDouble(exponent));
    }

    private static Object divide(Object a, Object b) throws PyException {
        if (!Py.isNumber(a) || !Py.isNumber(b)) {
            return dict("error", "Both inputs must be numbers");
        }
        if (Py.toDouble(b) == 0) {
            return dict("error", "Cannot divide by zero");
        }
        return dict("result", PyMath.div(a, b));
    }

    private static Object percentage(Object part, Object whole) throws PyException {
        if (!Py.isNumber(part) || !Py.isNumber(whole)) {
            return dict("error", "Both inputs must be numbers");
        }
        if (Py.toDouble(whole) == 0) {
            return dict("error", "Whole value cannot be zero");
        }
        return dict("result", PyMath.div(part, whole) * 100);
    }

    private static Object roundNumber(Object number, Object places) throws PyException {
        if (!Py.isNumber(number) || !Py.isInt(places)) {
            return dict("error", "First input must be a number, second input must be an integer");
        }
        return dict("result", PyMath.round(number, (long) Py.toDouble(places)));
    }

    private static Object siConversion(Object value, Object unitIn, Object unitOut) throws PyException {
        if (!Py.isNumber(value)) {
            return dict("error", "Value must be a number");
        }
        if (!TO_METERS.containsKey(unitIn) || !TO_METERS.containsKey(unitOut)) {
            return dict("error", "Conversion from '" + Py.str(unitIn) + "' to '" + Py.str(unitOut) + "' is not supported");
        }
        Object meters = PyMath.mul(value, TO_METERS.get(unitIn));
        Object fromMeters = PyMath.div(1L, TO_METERS.get(unitOut));
        return dict("result", PyMath.mul(meters, fromMeters));
    }

    private static Object imperialConversion(Object value, Object unitIn, Object unitOut) throws PyException {
        if (!Py.isNumber(value)) {
            return dict("error", "Value must be a number");
        }
        if (Py.eq(unitIn, unitOut)) {
            return dict("result", value);
        }
        String key = Py.str(unitIn) + "_to_" + Py.str(unitOut);
        Double factor = IMPERIAL.get(key);
        if (factor == null) {
            return dict("error", "Conversion from '" + Py.str(unitIn) + "' to '" + Py.str(unitOut) + "' is not supported");
        }
        if ("celsius".equals(unitIn) && "fahrenheit".equals(unitOut)) {
            return dict("result", PyMath.add(PyMath.mul(value, factor), 32L));
        }
        if ("fahrenheit".equals(unitIn) && "celsius".equals(unitOut)) {
            return dict("result", PyMath.mul(PyMath.sub(value, 32L), factor));
        }
        return dict("result", PyMath.mul(value, factor));
    }

    private static Object logarithm(Object value, Object base, Object precision) throws PyException {
        if (!Py.isNumber(value) || !Py.isNumber(base) || !Py.isInt(precision)) {
            return dict("error", "cannot create mpf from " + Py.repr(Py.isNumber(value) ? base : value));
        }
        try {
            return dict("result", Mpf.logRatio(Py.toDouble(value), Py.toDouble(base), (long) Py.toDouble(precision)));
        } catch (ArithmeticException e) {
            return dict("error", e.getMessage());
        }
    }

    private static Object squareRoot(Object number, Object precision) throws PyException {
        if (!Py.isNumber(number) || !Py.isInt(precision)) {
            return dict("error", "Input must be a number or computation resulted in an invalid operation");
        }
        if (Py.toDouble(number) < 0) {
            return dict("error", "Cannot calculate square root of a negative number");
        }
        long prec = (long) Py.toDouble(precision);
        if (prec < 1) {
            throw new PyException("valid range for prec is [1, MAX_PREC]");
        }
        BigDecimal exact = number instanceof Double d ? new BigDecimal(d) : new BigDecimal(PyMath.big(number));
        return dict("result", new PyDecimal(exact.sqrt(new MathContext((int) prec, RoundingMode.HALF_EVEN))));
    }

    /** A {@code decimal.Decimal}: its repr is {@code Decimal('...')} with the spec's to-sci-string. */
    public record PyDecimal(BigDecimal value) implements Py.PyObject {
        @Override
        public String repr() {
            return "Decimal('" + value.toString() + "')";
        }
    }
}
