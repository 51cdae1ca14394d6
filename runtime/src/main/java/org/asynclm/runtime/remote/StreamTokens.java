package org.asynclm.runtime.remote;

import java.util.ArrayList;
import java.util.List;
import org.asynclm.cml.CmlToken;
import org.asynclm.runtime.tokens.Tokenizer;

/**
 * Streamed text as token ids for the runtime, which reads a model token by token. A server sends text in pieces cut
 * anywhere: inside a word, inside a CML marker ("[CA" then "LL]"), or a marker merged with the text around it. Text
 * is held back until what follows cannot change how it reads: it is released up to the end of the last complete
 * marker (at once, so that a trap reaches the runtime while the server still writes) or up to the last whitespace,
 * and never from a "[" or "<" that may open a marker (CML's spelling, or the reserved token a Llama 3 tokenizer maps
 * it onto). The ids spell exactly the text received, each marker one id; {@link #finish} gives the rest when the
 * stream ends.
 */
final class StreamTokens {
    private static final List<CmlToken> MARKERS = List.of(CmlToken.values());

    private final Tokenizer tokenizer;
    private final StringBuilder pending = new StringBuilder();

    StreamTokens(Tokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** Adds {@code text}; returns the ids of the text that later text can no longer change. */
    List<Integer> feed(String text) {
        pending.append(text);
        int cut = safeCut();
        if (cut == 0) {
            return List.of();
        }
        String ready = pending.substring(0, cut);
        pending.delete(0, cut);
        return ids(ready);
    }

    /** The ids of what is still held back; the stream has ended. */
    List<Integer> finish() {
        String rest = pending.toString();
        pending.setLength(0);
        return rest.isEmpty() ? List.of() : ids(rest);
    }

    /**
     * Where the text may be cut: after the last complete marker, or before the last run of whitespace, whichever is
     * later; never at or after a bracket that is still open.
     */
    private int safeCut() {
        int limit = Math.min(openedAt('[', ']'), openedAt('<', '>'));
        int word = limit;
        while (word > 0 && !Character.isWhitespace(pending.charAt(word - 1))) {
            word--;
        }
        while (word > 0 && Character.isWhitespace(pending.charAt(word - 1))) {
            word--; // a run of spaces reads differently when more follow: keep all of it back
        }
        int marker = 0;
        for (CmlToken t : MARKERS) {
            marker = Math.max(marker, endOfLast(t.text(), limit));
        }
        marker = Math.max(marker, endOfLast("|>", limit)); // a special token such as <|reserved_special_token_0|>
        return Math.max(word, marker);
    }

    /** Where the last {@code open} without a {@code close} after it stands; the length when there is none. */
    private int openedAt(char open, char close) {
        int at = pending.lastIndexOf(String.valueOf(open));
        return at >= 0 && pending.indexOf(String.valueOf(close), at) < 0 ? at : pending.length();
    }

    /** The end of the last {@code text} that ends at or before {@code limit}; 0 when none does. */
    private int endOfLast(String text, int limit) {
        int at = pending.lastIndexOf(text, limit - text.length());
        return at >= 0 ? at + text.length() : 0;
    }

    private List<Integer> ids(String text) {
        List<Integer> out = new ArrayList<>();
        for (int id : tokenizer.encode(text)) {
            out.add(id);
        }
        return out;
    }
}
