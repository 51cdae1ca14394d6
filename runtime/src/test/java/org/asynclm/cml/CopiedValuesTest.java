package org.asynclm.cml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CopiedValuesTest {

    private static CopiedValues afterRequest(String request) {
        CopiedValues v = new CopiedValues();
        v.addSource(request);
        return v;
    }

    /** Feeds {@code text} piece by piece as far as the rule allows; returns the part it refused, or "". */
    private static String write(CopiedValues v, String... pieces) {
        for (String p : pieces) {
            if (!v.allows(p)) {
                return p;
            }
            v.accept(p);
        }
        return "";
    }

    @Test
    void aValueStatedInTheRequestMayBeCopiedWhole() {
        CopiedValues v = afterRequest("Book flight FL672 for the user kmensah.");
        assertEquals("", write(v, "book(", "flight", "='", "FL", "67", "2", "', ", "user", "='kmensah", "')"));
    }

    @Test
    void aValueMustEndWhereItsSpanEnds() {
        CopiedValues v = afterRequest("Book flight FL672.");
        assertEquals("'", write(v, "book(flight='", "FL", "67", "'"), "FL67 is no word of the context");
        assertEquals("67", write(new CopiedValues(), "x='", "67"), "an empty context holds no value");
        CopiedValues w = afterRequest("Book flight FL672.");
        assertEquals("67", write(w, "book(flight='FL67", "2", "67"), "FL67267 goes past its span");
    }

    @Test
    void aValueStartsAtAWordBoundary() {
        CopiedValues v = afterRequest("Book flight FL672.");
        assertEquals("L672", write(v, "f(x='", "L672"));
    }

    @Test
    void resultsBecomeSourcesWhenInjected() {
        CopiedValues v = afterRequest("Find the customer Omar Haddad and list his orders.");
        assertFalse(v.allows("f(customer_id='C4611')"));
        v.addSource("[INTR]a[HEAD]{\"customer_id\":\"C4611\"}[END]");
        assertTrue(v.allows("f(customer_id='C4611')"));
        assertTrue(v.allows("g(ids=['C4611', \"Omar Haddad\"])"), "each literal of a list, either quote");
        assertFalse(v.allows("g(ids=['C4611', 'Omar Hadda'])"));
    }

    @Test
    void twoSourcesDoNotJoinIntoOneSpan() {
        CopiedValues v = afterRequest("code AB");
        v.addSource("CD");
        assertFalse(v.allows("f(x='ABCD')"));
        assertTrue(v.allows("f(x='AB', y='CD')"));
    }

    @Test
    void aCallCannotEndWithALiteralOpen() {
        CopiedValues v = afterRequest("city Lagos");
        assertEquals("[END]", write(v, "f(city='Lag", "[END]"));
        v.reset();
        assertTrue(v.allows("[END]"), "after a reset the next body starts outside a literal");
    }

    @Test
    void unquotedValuesAreFree() {
        CopiedValues v = afterRequest("summarize it");
        assertEquals("", write(v, "summarize(doc_id=x, max_words=150)"));
    }

    /**
     * A random walk over a vocabulary of every single character and some longer pieces, choosing only allowed
     * pieces: some piece is always allowed (no dead end), and every literal it closes is a whole span of the context.
     */
    @Test
    void aWalkOverAllowedPiecesNeverDeadEndsAndClosesOnlyWholeSpans() {
        String context = "Find the city for ZIP code 29358, then FL672 and DOC-9070; user kmensah.\n"
                + "{\"doc_id\":\"DOC-9070\"}";
        List<String> vocab = new ArrayList<>();
        for (char c = ' '; c <= '~'; c++) {
            vocab.add(String.valueOf(c));
        }
        vocab.addAll(List.of("='", "')", "', ", "29", "35", "FL", "67", "DOC", "-90", "70", "km", "ensah", "[END]"));
        SplittableRandom rng = new SplittableRandom(7);
        int closed = 0;
        for (int walk = 0; walk < 200; walk++) {
            CopiedValues v = afterRequest(context);
            StringBuilder literal = null;
            char quote = 0;
            for (int step = 0; step < 60; step++) {
                List<String> allowed = vocab.stream().filter(v::allows).toList();
                assertFalse(allowed.isEmpty(), "dead end in walk " + walk);
                String p = allowed.get(rng.nextInt(allowed.size()));
                if (p.equals("[END]")) {
                    break;
                }
                v.accept(p);
                for (char c : p.toCharArray()) {
                    if (literal == null && (c == '\'' || c == '"')) {
                        literal = new StringBuilder();
                        quote = c;
                    } else if (literal != null && c == quote) {
                        String value = literal.toString();
                        assertTrue(value.isEmpty() || isWholeSpan(context, value), "closed '" + value + "'");
                        closed++;
                        literal = null;
                    } else if (literal != null) {
                        literal.append(c);
                    }
                }
            }
        }
        assertTrue(closed > 100, "the walks closed literals: " + closed);
    }

    private static boolean isWholeSpan(String context, String value) {
        for (int at = context.indexOf(value); at >= 0; at = context.indexOf(value, at + 1)) {
            int end = at + value.length();
            boolean starts = at == 0 || !Character.isLetterOrDigit(context.charAt(at - 1));
            boolean ends = end == context.length() || !Character.isLetterOrDigit(context.charAt(end));
            if (starts && ends) {
                return true;
            }
        }
        return false;
    }
}
