package org.asynclm.runtime.tokens;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class ByteTokenizerTest {
    private final ByteTokenizer tok = new ByteTokenizer();

    @Test
    void markersAndChatTokensAreSingleTokens() {
        assertArrayEquals(new int[] {261, 'a', 265, 'f', '(', ')', 264}, tok.encode("[CALL]a[HEAD]f()[END]"));
        assertArrayEquals(new int[] {260}, tok.encode("<|eot_id|>"));
        assertEquals(260, tok.endOfTurnId());
        assertArrayEquals(new int[] {'[', 'C', 'A', ']'}, tok.encode("[CA]"));
        assertArrayEquals(new int[] {0xc3, 0xbc}, tok.encode("ü"));
        assertEquals(266, tok.vocabularySize());
    }

    @Property(tries = 1000)
    void decodeInvertsEncodeAndCountMatches(@ForAll String text) {
        String s = text + "[TRAP][END]" + text;
        int[] ids = tok.encode(s);
        assertEquals(ids.length, tok.count(s));
        Tokenizer.TextDecoder d = tok.newDecoder();
        StringBuilder back = new StringBuilder();
        for (int id : ids) {
            back.append(d.next(id));
        }
        String expected = new String(s.getBytes(StandardCharsets.UTF_8),
                StandardCharsets.UTF_8); // lone surrogates become U+FFFD, as UTF-8 requires
        assertEquals(expected, back.toString());
    }
}
