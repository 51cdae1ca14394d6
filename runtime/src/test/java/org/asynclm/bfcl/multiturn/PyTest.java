package org.asynclm.bfcl.multiturn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.SplittableRandom;
import org.asynclm.cml.PyTuple;
import org.junit.jupiter.api.Test;

/**
 * The Python semantics the backends rest on, against CPython 3.11's own values (each printed by the python3 line in
 * the comment above it).
 */
class PyTest {
    // python3 -c "import random; r=random.Random(141053); print([r.randint(1000000,9999999) for _ in range(3)])"
    @Test
    void randintDrawsWhatCpythonDraws() {
        PyRandom travel = new PyRandom(141053);
        assertEquals(List.of(3426812L, 5431449L, 7223063L),
                List.of(travel.randint(1000000, 9999999), travel.randint(1000000, 9999999),
                        travel.randint(1000000, 9999999)));
        // r=random.Random(0); three randint(10000,99999), randint(10**11, 10**12-1) (40 bits: two words), random()
        PyRandom zero = new PyRandom(0);
        assertEquals(List.of(60494L, 65125L, 15306L), List.of(zero.randint(10000, 99999), zero.randint(10000, 99999),
                zero.randint(10000, 99999)));
        assertEquals(634771852898L, zero.randint(100000000000L, 999999999999L));
        assertEquals(0.4049341374504143, zero.random());
        // a seed over 32 bits is two key words; a negative seed is its absolute value
        PyRandom big = new PyRandom((1L << 40) + 5);
        assertEquals(5, big.randint(1, 6));
        assertEquals(294277936956L, big.getrandbits(40));
        assertEquals(331, new PyRandom(-7).randint(0, 1000));
    }

    // print(repr(x)) for each
    @Test
    void floatReprIsPythons() {
        double[] xs = {0.1, 1e16, 1.5e16, 1e-5, 0.0001, 123456789.123, 2.5, -0.0, 1e22, 5e-324, 3.14159, 100.0};
        String[] want = {"0.1", "1e+16", "1.5e+16", "1e-05", "0.0001", "123456789.123", "2.5", "-0.0", "1e+22", "5e-324",
                "3.14159", "100.0"};
        for (int i = 0; i < xs.length; i++) {
            assertEquals(want[i], Py.floatRepr(xs[i]));
        }
    }

    /** Whatever the double, its repr reads back as the same double (the shortest digits that do). */
    @Test
    void floatReprRoundTrips() {
        SplittableRandom rng = new SplittableRandom(3);
        for (int i = 0; i < 20_000; i++) {
            double d = Double.longBitsToDouble(rng.nextLong());
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                continue;
            }
            assertEquals(d, Double.parseDouble(Py.floatRepr(d)), Py.floatRepr(d));
        }
    }

    // print(repr(['a', "it's", 'q"', 'tab\t', 'é', '\x7f', None, True, 1.0, (1,), (1,2), {'k': [1]}, set()]))
    @Test
    void reprAndJsonDumpsArePythons() throws Exception {
        List<Object> values = new ArrayList<>(List.of("a", "it's", "q\"", "tab\t", "é", "\u007f"));
        values.add(null);
        values.addAll(List.of(true, 1.0, new PyTuple(List.of(1L)), new PyTuple(List.of(1L, 2L)),
                Py.dict("k", Py.list(1L)), new LinkedHashSet<>()));
        assertEquals("['a', \"it's\", 'q\"', 'tab\\t', 'é', '\\x7f', None, True, 1.0, (1,), (1, 2), {'k': [1]}, set()]",
                Py.repr(values));
        // print(json.dumps({'a': 'é\n"', 'b': [1, 2.5, None, True], 3: {}}))
        assertEquals("{\"a\": \"\\u00e9\\n\\\"\", \"b\": [1, 2.5, null, true], \"3\": {}}",
                Py.jsonDumps(Py.dict("a", "é\n\"", "b", Py.list(1L, 2.5, null, true), 3L, Py.dict())));
        assertThrows(Py.NotJsonSerializable.class, () -> Py.jsonDumps(Py.dict("s", new LinkedHashSet<>())));
    }

    @Test
    void equalityIsPythons() {
        assertTrue(Py.eq(1L, 1.0));
        assertTrue(Py.eq(true, 1L));
        assertTrue(Py.eq(Py.dict("a", 1L, "b", 2L), Py.dict("b", 2.0, "a", 1L)), "dicts ignore order");
        assertFalse(Py.eq(Py.list(1L, 2L), Py.list(2L, 1L)), "lists do not");
        assertFalse(Py.eq(Py.list(1L), new PyTuple(List.of(1L))), "a list is not a tuple");
        assertFalse(Py.eq("1", 1L));
        assertFalse(Py.eq(Double.NaN, Double.NaN));
    }

    // python3 -c "print(round(2.675, 2), round(0.125, 2), round(2.5, 0), round(7, 2), f'{0.125:.2f}', f'{2.675:.2f}')"
    @Test
    void roundingUsesTheExactBinaryValue() throws Exception {
        assertEquals(2.67, PyMath.round(2.675, 2));
        assertEquals(0.12, PyMath.round(0.125, 2));
        assertEquals(2.0, PyMath.round(2.5, 0));
        assertEquals(7L, PyMath.round(7L, 2));
        assertEquals("0.12", Py.formatFixed(0.125, 2));
        assertEquals("2.67", Py.formatFixed(2.675, 2));
    }
}
