package org.asynclm.runtime;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.asynclm.cml.CmlEvent;
import org.asynclm.runtime.tokens.ByteTokenizer;
import org.junit.jupiter.api.Test;

/** The copied-values rule applies in call bodies only, with the request and the interrupts as its sources. */
class TokenMonitorTest {
    private final ByteTokenizer tok = new ByteTokenizer();
    private final List<CmlEvent> events = new ArrayList<>();

    private void write(TokenMonitor m, String text) {
        for (int id : tok.encode(text)) {
            assertTrue(m.allows(id), "refused '" + tok.piece(id) + "' in " + text);
            m.accept(id, events);
        }
    }

    private boolean allows(TokenMonitor m, char c) {
        return m.allows(tok.encode(String.valueOf(c))[0]);
    }

    @Test
    void copiedValuesComeFromThePromptAndTheInterrupts() {
        TokenMonitor m = new TokenMonitor(tok, ArgumentValues.COPIED);
        m.copyFrom("Book flight FL672.");
        write(m, "Text may say 'anything'. [CALL]a[HEAD]book(flight='FL");
        assertTrue(allows(m, '6'));
        assertFalse(allows(m, '7'), "FL7 is in no span");
        write(m, "672')[END]");
        m.acceptInjected("[INTR]a[HEAD]{\"seat\":\"12C\"}[END]", events);
        write(m, "[CALL]b[HEAD]pick(seat='");
        assertTrue(allows(m, '1'));
        assertFalse(allows(m, 'Q'));
    }

    @Test
    void freeValuesAreNotConstrained() {
        TokenMonitor m = new TokenMonitor(tok);
        m.copyFrom("Book flight FL672.");
        write(m, "[CALL]a[HEAD]book(flight='FL7')[END]");
    }
}
