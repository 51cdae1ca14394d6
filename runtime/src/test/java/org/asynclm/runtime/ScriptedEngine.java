package org.asynclm.runtime;

import java.util.ArrayDeque;
import org.asynclm.runtime.tokens.Tokenizer;

/**
 * A model that writes a fixed text whatever the mask says, as a remote engine that cannot constrain decoding
 * would. Used to feed the runtime bad output on purpose.
 */
final class ScriptedEngine implements Engine {
    private final ArrayDeque<Integer> tokens = new ArrayDeque<>();
    private final int endOfTurn;
    private final boolean endTurn;
    private final StringBuilder appended = new StringBuilder();
    private final Tokenizer tokenizer;
    private int context;

    /** Writes {@code text}, then the end-of-turn token if {@code endTurn}, else repeats its last token forever. */
    ScriptedEngine(Tokenizer tokenizer, String text, boolean endTurn) {
        this.tokenizer = tokenizer;
        for (int t : tokenizer.encode(text)) {
            tokens.add(t);
        }
        this.endOfTurn = tokenizer.endOfTurnId();
        this.endTurn = endTurn;
    }

    @Override
    public void prefill(int[] prompt) {
        context = prompt.length;
    }

    @Override
    public int decode(TokenFilter allowed) {
        context++;
        if (tokens.isEmpty()) {
            return endTurn ? endOfTurn : 'x';
        }
        return tokens.poll();
    }

    @Override
    public void append(int[] ts) {
        context += ts.length;
        Tokenizer.TextDecoder d = tokenizer.newDecoder();
        for (int t : ts) {
            appended.append(d.next(t));
        }
    }

    @Override
    public void cache(CacheAction action) {
    }

    @Override
    public int contextLength() {
        return context;
    }

    String appended() {
        return appended.toString();
    }
}
