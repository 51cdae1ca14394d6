package org.asynclm.cml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CmlParserTest {

    static List<CmlEvent> parseAll(String... pieces) {
        CmlParser p = new CmlParser();
        List<CmlEvent> events = new ArrayList<>();
        for (String piece : pieces) {
            p.feed(piece, events);
        }
        p.finish(events);
        return merged(events);
    }

    /** Adjacent free-text events joined: chunking may split text, never anything else. */
    static List<CmlEvent> merged(List<CmlEvent> events) {
        List<CmlEvent> out = new ArrayList<>();
        for (CmlEvent e : events) {
            if (e instanceof CmlEvent.Text t && !out.isEmpty() && out.get(out.size() - 1) instanceof CmlEvent.Text prev) {
                out.set(out.size() - 1, new CmlEvent.Text(prev.text() + t.text()));
            } else {
                out.add(e);
            }
        }
        return out;
    }

    static List<Block> blocks(List<CmlEvent> events) {
        return events.stream().filter(e -> e instanceof CmlEvent.Closed).map(e -> ((CmlEvent.Closed) e).block()).toList();
    }

    @Test
    void parsesTheDesignExample() {
        String stream = "[CALL] a [HEAD] search_nearby(query='florist') [END]\n"
                + "[CALL] put(path='msg.txt', text='Hi') [END]\n"
                + "[INTR] a [HEAD] [{\"name\": \"FastFlower\", \"phone\": \"313-7343\"}] [END]\n"
                + "[TRAP][END]All done.";
        List<Block> b = blocks(parseAll(stream));
        assertEquals(4, b.size());
        assertEquals(new Block(BlockKind.CALL, "a", "search_nearby(query='florist')", 0, 52), b.get(0));
        assertEquals(BlockKind.CALL, b.get(1).kind());
        assertEquals(null, b.get(1).id());
        assertEquals("put(path='msg.txt', text='Hi')", b.get(1).body());
        assertEquals(new Block(BlockKind.INTERRUPT, "a", "[{\"name\": \"FastFlower\", \"phone\": \"313-7343\"}]",
                b.get(2).start(), b.get(2).end()), b.get(2));
        assertEquals(BlockKind.TRAP, b.get(3).kind());
        List<CmlEvent> all = parseAll(stream);
        assertEquals(new CmlEvent.Text("All done."), all.get(all.size() - 1));
    }

    @Test
    void bracketsThatAreNotMarkersStayText() {
        List<CmlEvent> e = parseAll("list [1, 2] and [CA", "T] and [[CALL]x[HEAD]f(v=[1,[2]])[END]");
        assertEquals(new CmlEvent.Text("list [1, 2] and [CAT] and ["), e.get(0));
        assertEquals(new Block(BlockKind.CALL, "x", "f(v=[1,[2]])", 27, 57), blocks(e).get(0));
    }

    @Test
    void markerSplitAcrossPiecesIsHeldBackAsCriticalSection() {
        CmlParser p = new CmlParser();
        p.feed("hello [CA");
        assertTrue(p.inCriticalSection(), "a partial marker must block injection");
        assertFalse(p.inBlock());
        p.feed("LL]");
        assertTrue(p.inBlock());
        p.feed("f()[END]");
        assertFalse(p.inCriticalSection());
    }

    @Test
    void reportsViolationsAndRecovers() {
        List<CmlEvent> e = parseAll("[END]x[CALL]a[HEAD]f([CALL]b[HEAD]g()[END][TRAP] [END]");
        List<String> violations = e.stream().filter(v -> v instanceof CmlEvent.Violation)
                .map(v -> ((CmlEvent.Violation) v).message()).toList();
        assertEquals(4, violations.size(), violations.toString());
        assertTrue(violations.get(0).contains("stray [END]"));
        assertTrue(violations.get(1).contains("do not nest"));
        assertTrue(violations.get(2).contains("[TRAP] must be followed directly by [END]"));
        assertTrue(violations.get(3).contains("stray [END]"), "the broken trap is dropped, so its [END] is stray");
        assertEquals(List.of("b"), blocks(e).stream().map(Block::id).toList());
    }

    @Test
    void reservedAndInvalidIdsAreRejected() {
        assertTrue(parseAll("[CALL]user[HEAD]f()[END]").stream().anyMatch(x -> x instanceof CmlEvent.Violation));
        assertTrue(parseAll("[CALL]1a[HEAD]f()[END]").stream().anyMatch(x -> x instanceof CmlEvent.Violation));
        assertTrue(parseAll("[CALL]runtime[HEAD]f()[END]").stream().anyMatch(x -> x instanceof CmlEvent.Violation));
    }

    @Test
    void unterminatedBlockAtEndOfStreamIsAViolation() {
        List<CmlEvent> e = parseAll("[CALL]a[HEAD]f(x=1");
        assertTrue(e.get(e.size() - 1) instanceof CmlEvent.Violation v && v.message().contains("no [END]"));
    }

    @Test
    void maskNeverAllowsAnInterruptInAnyForm() {
        CmlParser p = new CmlParser();
        assertFalse(p.allows("[INTR]"));
        assertFalse(p.allows("text [INTR]"));
        p.feed("[IN");
        assertFalse(p.allows("TR]"));
        assertTrue(p.allows("K"), "'[INK' is plain text");
    }

    @Test
    void maskAllowsTrapOnlyAsTrapEnd() {
        CmlParser p = new CmlParser();
        assertTrue(p.allows("[TRAP]"));
        p.feed("[TRAP]");
        assertFalse(p.allows(" "));
        assertFalse(p.allows("x"));
        assertFalse(p.allows("[CALL]"));
        assertTrue(p.allows("[END]"));
        assertTrue(p.allows("[EN"));
    }

    @Test
    void maskForbidsNestingStrayMarkersAndBadIds() {
        CmlParser p = new CmlParser();
        assertFalse(p.allows("[END]"));
        assertFalse(p.allows("[HEAD]"));
        p.feed("[CALL]a");
        assertFalse(p.allows("[CALL]"));
        assertFalse(p.allows("[TRAP]"));
        assertTrue(p.allows("[HEAD]"));
        assertFalse(p.allows(" b[HEAD]"), "'a b' is no identifier");
        p.feed("[HEAD]f(");
        assertFalse(p.allows("[HEAD]"));
        assertTrue(p.allows("x=[1]"));
        assertTrue(p.allows(")[END]"));
    }

    /**
     * No dead ends: a model that only ever writes what the mask allows is never left with nothing to write. Seeded
     * walks over markers, their pieces and plain characters; one found in a trained model's run was "[TRAP]" then
     * "[HE", which only "AD]" could continue, and [TRAP][HEAD] is refused.
     */
    @Test
    void whateverTheMaskAllowedSomethingIsAllowedNext() {
        List<String> vocab = List.of("[CALL]", "[HEAD]", "[END]", "[TRAP]", "[INTR]", "[", "]", "[E", "[EN", "[HE",
                "[HEA", "[TR", "[C", "[I", "E", "N", "D", "H", "A", "C", "L", "T", "R", "P", "I", "D]", "AD]", "ND]",
                "(", ")", "'", "=", "a", "b", " ", "x", "f(", "x=1", ")[END]");
        java.util.Random random = new java.util.Random(7);
        for (int walk = 0; walk < 3000; walk++) {
            CmlParser p = new CmlParser();
            StringBuilder written = new StringBuilder();
            for (int step = 0; step < 40; step++) {
                List<String> allowed = vocab.stream().filter(p::allows).toList();
                assertFalse(allowed.isEmpty(), "nothing may follow '" + written + "'");
                String piece = allowed.get(random.nextInt(allowed.size()));
                p.feed(piece);
                written.append(piece);
            }
        }
    }
}
