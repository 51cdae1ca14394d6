package org.asynclm.runtime;

import java.util.List;
import org.asynclm.cml.CmlEvent;
import org.asynclm.cml.CmlParser;
import org.asynclm.runtime.tokens.Tokenizer;

/**
 * Watches the token stream of one context: turns ids into text, parses CML, and answers which token may come
 * next. The end-of-turn token is allowed only outside blocks, so a constrained model cannot stop mid-call.
 */
public final class TokenMonitor implements TokenFilter {
    private final Tokenizer tokenizer;
    private final Tokenizer.TextDecoder decoder;
    private final CmlParser parser = new CmlParser();
    private final int endOfTurn;

    public TokenMonitor(Tokenizer tokenizer) {
        this.tokenizer = tokenizer;
        this.decoder = tokenizer.newDecoder();
        this.endOfTurn = tokenizer.endOfTurnId();
    }

    @Override
    public boolean allows(int tokenId) {
        if (tokenId == endOfTurn) {
            return !parser.inCriticalSection();
        }
        return tokenId >= 0 && tokenId < tokenizer.vocabularySize() && parser.allows(tokenizer.piece(tokenId));
    }

    /** Feeds a generated token; returns its text and adds the CML events it completed. */
    public String accept(int tokenId, List<CmlEvent> events) {
        String text = decoder.next(tokenId);
        parser.feed(text, events);
        return text;
    }

    /** Feeds text the runtime wrote into the context (an interrupt), keeping the parser in step with the context. */
    public void acceptInjected(String text, List<CmlEvent> events) {
        parser.feed(text, events);
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
