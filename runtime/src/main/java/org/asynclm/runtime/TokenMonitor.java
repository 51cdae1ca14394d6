package org.asynclm.runtime;

import java.util.List;
import org.asynclm.cml.CmlEvent;
import org.asynclm.cml.CmlParser;
import org.asynclm.cml.CopiedValues;
import org.asynclm.runtime.tokens.Tokenizer;

/**
 * Watches the token stream of one context: turns ids into text, parses CML, and answers which token may come
 * next. The end-of-turn token is allowed only outside blocks, so a constrained model cannot stop mid-call. With
 * {@link ArgumentValues#COPIED} a call's quoted values must also be copies of the request or of an interrupt.
 */
public final class TokenMonitor implements TokenFilter {
    private final Tokenizer tokenizer;
    private final Tokenizer.TextDecoder decoder;
    private final CmlParser parser = new CmlParser();
    private final int endOfTurn;
    /** Null with {@link ArgumentValues#FREE}. */
    private final CopiedValues copied;

    public TokenMonitor(Tokenizer tokenizer) {
        this(tokenizer, ArgumentValues.FREE);
    }

    public TokenMonitor(Tokenizer tokenizer, ArgumentValues values) {
        this.tokenizer = tokenizer;
        this.decoder = tokenizer.newDecoder();
        this.endOfTurn = tokenizer.endOfTurnId();
        this.copied = values == ArgumentValues.COPIED ? new CopiedValues() : null;
    }

    /**
     * The user's request: text a copied value may come from, beside the interrupts the monitor is fed. Not the system
     * prompt, whose function list and estimated times would let a model copy a number or a name no one asked for.
     */
    public void copyFrom(String request) {
        if (copied != null) {
            copied.addSource(request);
        }
    }

    @Override
    public boolean allows(int tokenId) {
        if (tokenId == endOfTurn) {
            return !parser.inCriticalSection();
        }
        if (tokenId < 0 || tokenId >= tokenizer.vocabularySize()) {
            return false;
        }
        String piece = tokenizer.piece(tokenId);
        return parser.allows(piece) && (copied == null || !parser.inCallBody() || copied.allows(piece));
    }

    /** Feeds a generated token; returns its text and adds the CML events it completed. */
    public String accept(int tokenId, List<CmlEvent> events) {
        String text = decoder.next(tokenId);
        boolean inBody = parser.inCallBody();
        parser.feed(text, events);
        if (copied != null) {
            if (inBody && parser.inCallBody()) {
                copied.accept(text);
            } else if (!parser.inCallBody()) {
                copied.reset();
            }
        }
        return text;
    }

    /** Feeds text the runtime wrote into the context (an interrupt), keeping the parser in step with the context. */
    public void acceptInjected(String text, List<CmlEvent> events) {
        parser.feed(text, events);
        if (copied != null) {
            copied.addSource(text);
        }
    }

    public boolean inCriticalSection() {
        return parser.inCriticalSection();
    }

    public boolean inBlock() {
        return parser.inBlock();
    }

    public boolean isEndOfTurn(int tokenId) {
        return tokenId == endOfTurn;
    }
}
