package org.asynclm.cml;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Every chunking of a stream, valid or not, parses to the same blocks, violations and (merged) text. */
class CmlChunkingPropertyTest {

    @Provide
    Arbitrary<String> streams() {
        Arbitrary<String> piece = Arbitraries.oneOf(
                Arbitraries.of("[CALL]", "[INTR]", "[TRAP]", "[END]", "[HEAD]"),
                Arbitraries.of("[CA", "LL]", "[", "]", "[[", "[EN", "D]", "[TRAP][END]", "[HE", "AD]"),
                Arbitraries.strings().withChars("ab_( )=',[]1x\"{}:").ofMaxLength(6),
                Arbitraries.of("[CALL]a[HEAD]f(x=1)[END]", "[CALL]g(y='[END')[END]", "[INTR]a[HEAD]{\"k\": [1]}[END]",
                        "free text ", "ü€", "[CALL]user[HEAD]f()[END]"));
        return piece.list().ofMaxSize(14).map(l -> String.join("", l));
    }

    @Provide
    Arbitrary<List<Integer>> cuts() {
        return Arbitraries.integers().between(0, 400).list().ofMaxSize(30);
    }

    @Property(tries = 3000)
    void everyChunkingParsesAlike(@ForAll("streams") String stream, @ForAll("cuts") List<Integer> cuts) {
        List<CmlEvent> whole = CmlParserTest.parseAll(stream);
        List<CmlEvent> chars = CmlParserTest.parseAll(stream.split(""));
        assertEquals(whole, chars);
        assertEquals(whole, CmlParserTest.parseAll(chunk(stream, cuts).toArray(String[]::new)));
    }

    @Property(tries = 2000)
    void maskAgreesWithTheParser(@ForAll("streams") String prefix, @ForAll("streams") String next) {
        CmlParser p = new CmlParser();
        p.feed(prefix);
        boolean allowed = p.allows(next);
        if (p.inInterrupt()) {
            assertEquals(next.isEmpty(), allowed, "the model never writes inside an interrupt");
            return;
        }
        List<CmlEvent> events = p.feed(next);
        boolean broke = events.stream().anyMatch(e -> e instanceof CmlEvent.Violation
                || (e instanceof CmlEvent.Opened o && o.kind() == BlockKind.INTERRUPT));
        // what the parser refuses, and a partial marker after [TRAP] that can no longer become [END]
        assertEquals(!broke && !p.deadEnd(), allowed, () -> "prefix=" + prefix + " next=" + next);
    }

    static List<String> chunk(String s, List<Integer> cuts) {
        List<Integer> sorted = new ArrayList<>(cuts.stream().map(c -> Math.min(c, s.length())).sorted().toList());
        List<String> out = new ArrayList<>();
        int last = 0;
        for (int c : sorted) {
            out.add(s.substring(last, c));
            last = c;
        }
        out.add(s.substring(last));
        return out;
    }

    @Provide
    Arbitrary<Object> values() {
        Arbitrary<Object> leaf = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(8).map(x -> (Object) x),
                Arbitraries.of("[END]", "it's", "a\"b", "tab\t", "[CALL]x").map(x -> (Object) x),
                Arbitraries.longs().map(x -> (Object) x),
                Arbitraries.doubles().filter(Double::isFinite).map(x -> (Object) x),
                Arbitraries.of(true, false).map(x -> (Object) x),
                Arbitraries.just(null));
        return Arbitraries.recursive(() -> leaf, this::containers, 3);
    }

    private Arbitrary<Object> containers(Arbitrary<Object> inner) {
        return Arbitraries.oneOf(
                inner.list().ofMaxSize(3).map(x -> (Object) x),
                inner.list().ofMaxSize(3).map(x -> (Object) new PyTuple(x)),
                Combinators.combine(Arbitraries.strings().alpha().ofMaxLength(4), inner)
                        .as((k, v) -> (Object) singleton(k, v)));
    }

    private static Map<Object, Object> singleton(String k, Object v) {
        Map<Object, Object> m = new LinkedHashMap<>();
        m.put(k, v);
        return m;
    }

    @Property(tries = 2000)
    void writtenCallsParseBackAndNeverBreakTheBlock(@ForAll("values") Object value) throws Exception {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("v", value);
        String cml = CmlWriter.call("c1", "tool.run", args);
        List<Block> blocks = CmlParserTest.blocks(CmlParserTest.parseAll(cml));
        assertEquals(1, blocks.size(), cml);
        PyCall call = PyCall.parseCallBody(blocks.get(0).body());
        assertEquals("tool.run", call.function());
        assertEquals(args, call.keywords());
    }
}
