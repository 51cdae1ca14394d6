package org.asynclm.cml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CmlWriterTest {

    /** repr() of these doubles as printed by CPython 3.11 (bit patterns as float.hex()). */
    @Test
    void floatsMatchPythonRepr() {
        Object[][] golden = {
                {"0x1.999999999999ap-4", "0.1"}, {"0x1.4f8b588e368f1p-17", "1e-05"},
                {"0x1.a36e2eb1c432dp-14", "0.0001"}, {"0x1.1c37937e08000p+53", "1e+16"},
                {"0x1.c6bf526340000p+49", "1000000000000000.0"}, {"0x1.aa535d3d0c000p+53", "1.5e+16"},
                {"0x1.edd2f1a9fbe77p+6", "123.456"}, {"-0x1.4000000000000p+1", "-2.5"},
                {"0x1.8000000000000p+1", "3.0"}, {"0x1.ad7f29abcaf48p-24", "1e-07"},
                {"0x1.a36e2eb1c432dp-16", "2.5e-05"}, {"0x1.18b54f22aeb00p+50", "1234567890123456.0"},
                {"0x1.5ee2a2eb5a5c4p+53", "1.2345678901234568e+16"}, {"0x1.cccccccccccccp-1", "0.8999999999999999"},
                {"0x1.5555555555555p-2", "0.3333333333333333"}, {"0x0.0000000000001p-1022", "5e-324"},
                {"0x1.fffffffffffffp+1023", "1.7976931348623157e+308"}, {"0x1.9000000000000p+6", "100.0"},
                {"-0x0.0p+0", "-0.0"}};
        for (Object[] g : golden) {
            double d = Double.parseDouble((String) g[0]);
            assertEquals(g[1], CmlWriter.pyFloat(d), (String) g[0]);
        }
    }

    @Test
    void stringsMatchPythonRepr() {
        assertEquals("\"it's\"", CmlWriter.pyLiteral("it's"));
        assertEquals("'a\"b'", CmlWriter.pyLiteral("a\"b"));
        assertEquals("'a\\'b\"c'", CmlWriter.pyLiteral("a'b\"c"));
        assertEquals("'tab\\there\\n'", CmlWriter.pyLiteral("tab\there\n"));
        assertEquals("'\\x01\\x7f'", CmlWriter.pyLiteral("\u0001\u007f"));
    }

    @Test
    void rendersCanonicalBlocks() {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("query", "florist");
        args.put("limit", 3L);
        args.put("tags", List.of("a", new PyTuple(List.of(1L))));
        assertEquals("[CALL]a[HEAD]search_nearby(query='florist', limit=3, tags=['a', (1,)])[END]",
                CmlWriter.call("a", "search_nearby", args));
        assertEquals("[CALL]ping()[END]", CmlWriter.call(null, "ping", Map.of()));
        assertEquals("[INTR]b[HEAD]{\"status\":\"sent\"}[END]", CmlWriter.interrupt("b", "{\"status\":\"sent\"}"));
        assertEquals("[TRAP][END]", CmlWriter.trap());
    }

    @Test
    void markersInsideValuesAreEscaped() {
        String json = CmlWriter.json(Map.of("note", "ends with [END] here"));
        assertEquals("{\"note\":\"ends with \\u005bEND] here\"}", json);
        assertEquals("'a\\x5bEND]b'", CmlWriter.pyLiteral("a[END]b"));
        assertEquals("{\"l\":[\"[x\",\"\\u005bCALL]\\u005bHEAD]\",[]]}",
                CmlWriter.json(Map.of("l", List.of("[x", "[CALL][HEAD]", List.of()))));
        List<CmlEvent> e = CmlParserTest.parseAll(CmlWriter.interrupt("a", json));
        assertEquals(1, CmlParserTest.blocks(e).size());
    }

    /** An interrupt's value is an error exactly when it is the object errorJson writes: one key, "error". */
    @Test
    void errorValuesAreTheOnesErrorJsonWrites() {
        assertTrue(CmlWriter.isError(CmlWriter.errorJson("timed out, try again")));
        assertTrue(CmlWriter.isError("{\"error\": {\"code\": 3}}"));
        assertFalse(CmlWriter.isError("{\"error\":\"x\",\"status\":\"sent\"}"), "a result that also has an error key");
        assertFalse(CmlWriter.isError("{\"status\":\"sent\"}"));
        assertFalse(CmlWriter.isError("[\"error\"]"));
        assertFalse(CmlWriter.isError("error: not JSON {"), "text that is not JSON");
    }
}
