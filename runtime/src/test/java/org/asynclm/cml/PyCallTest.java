package org.asynclm.cml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PyCallTest {

    @Test
    void parsesEveryLiteralType() throws Exception {
        PyCall c = PyCall.parseCallBody("math.stats.describe(s='a\\'b', d=\"x\", i=-42, big=123456789012345678901234567890, "
                + "f=1.5e-3, t=True, n=None, l=[1, 'two', [3.0]], tup=(1, 2), one=(1,), e=(), "
                + "m={'k': [1, 2], 2: None}, h=0x1F, neg=-.5, cat='ab' 'cd')");
        assertEquals("math.stats.describe", c.function());
        Map<String, Object> k = c.keywords();
        assertEquals("a'b", k.get("s"));
        assertEquals("x", k.get("d"));
        assertEquals(-42L, k.get("i"));
        assertEquals(new BigInteger("123456789012345678901234567890"), k.get("big"));
        assertEquals(1.5e-3, k.get("f"));
        assertEquals(Boolean.TRUE, k.get("t"));
        assertTrue(k.containsKey("n") && k.get("n") == null);
        assertEquals(List.of(1L, "two", List.of(3.0)), k.get("l"));
        assertEquals(new PyTuple(List.of(1L, 2L)), k.get("tup"));
        assertEquals(new PyTuple(List.of(1L)), k.get("one"));
        assertEquals(new PyTuple(List.of()), k.get("e"));
        Map<Object, Object> m = new LinkedHashMap<>();
        m.put("k", List.of(1L, 2L));
        m.put(2L, null);
        assertEquals(m, k.get("m"));
        assertEquals(31L, k.get("h"));
        assertEquals(-0.5, k.get("neg"));
        assertEquals("abcd", k.get("cat"));
        assertEquals(Arrays.asList("s", "d", "i", "big", "f", "t", "n", "l", "tup", "one", "e", "m", "h", "neg", "cat"),
                List.copyOf(k.keySet()));
    }

    @Test
    void decodesNestedCallsNamesAndArithmeticAsBfclDoes() throws Exception {
        Map<String, Object> k = PyCall.parseCallBody(
                "f(a=g(x=1, y='z'), b=h(), c=np.mean(v), d=some_name, e=1+2*3, q=7//2, r=2**10, s=arr[0], u=...)").keywords();
        assertEquals(Map.of("g", Map.of("x", 1L, "y", "z")), k.get("a"));
        assertEquals("h()", k.get("b"));
        assertEquals("np.mean(v)", k.get("c"));
        assertEquals("some_name", k.get("d"));
        assertEquals(7L, k.get("e"));
        assertEquals(3L, k.get("q"));
        assertEquals(1024L, k.get("r"));
        assertEquals("arr[0]", k.get("s"));
        assertEquals("...", k.get("u"));
    }

    @Test
    void errorsNameTheColumn() {
        PySyntaxException e = assertThrows(PySyntaxException.class, () -> PyCall.parseCallBody("f(x=1, y=)"));
        assertEquals(10, e.column());
        e = assertThrows(PySyntaxException.class, () -> PyCall.parseCallBody("f(x='abc)"));
        assertEquals(5, e.column());
        assertTrue(e.getMessage().contains("unterminated string"));
        e = assertThrows(PySyntaxException.class, () -> PyCall.parseCallBody("f(1, x=2)"));
        assertTrue(e.getMessage().contains("keyword arguments only"));
        e = assertThrows(PySyntaxException.class, () -> PyCall.parseCallBody("f(x=1, x=2)"));
        assertTrue(e.getMessage().contains("repeated"));
        e = assertThrows(PySyntaxException.class, () -> PyCall.parseCallBody("f(x=1) extra"));
        assertEquals(8, e.column());
        assertThrows(PySyntaxException.class, () -> PyCall.parseCallBody("f(x={1, 2})"));
        assertThrows(PySyntaxException.class, () -> PyCall.parseCallBody("f(x=1j)"));
        assertThrows(PySyntaxException.class, () -> PyCall.parseCallBody("f(x=f'{y}')"));
        assertThrows(PySyntaxException.class, () -> PyCall.parseCallBody("(x=1)"));
    }

    @Test
    void positionalArgumentsParseOutsideCml() throws Exception {
        PyCall c = PyCall.parse("sort('final_report.pdf')");
        assertEquals(List.of("final_report.pdf"), c.positional());
    }
}
