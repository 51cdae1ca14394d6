package org.asynclm.cml;

import java.util.BitSet;

/**
 * Constrained decoding of a call's quoted arguments: every string literal a model writes in a call body must be a
 * copy of a span of its sources, the user's request or an interrupt, that starts and ends at a word boundary. So
 * {@code 'FL67'} cannot be written where the sources hold only {@code FL672}, and {@code 'FL6767'} not at all. The
 * system prompt is no source: its function list and estimated times hold names and numbers no one asked for.
 *
 * <p>Why the rule is sound for the tasks it is used on: datagen states every value a call needs in the request or
 * takes it from an earlier result, and {@code datagen validate} checks it, so the teacher's every literal passes it.
 * What the rule leaves to the model is which span to copy and where the literal ends: the function, the argument, the
 * value among the candidates, the schedule. Unquoted values (numbers) are not constrained.
 *
 * <p>Fed only with the text of call bodies ({@link #accept}); {@link #reset} at the end of each call.
 */
public final class CopiedValues {

    private final StringBuilder sources = new StringBuilder();
    /** The quote that opened the literal being written, or 0 outside one. */
    private char quote;
    private StringBuilder literal = new StringBuilder();
    /**
     * For the literal as written so far: the characters that may extend it, and whether it may close. Asked for every
     * piece of the vocabulary at each step, so computed once per step (a vocabulary of 128k pieces would otherwise
     * search the sources 128k times).
     */
    private BitSet extensions;
    private boolean closable;

    /** Adds text a literal may be copied from. A newline keeps two sources from forming one span. */
    public void addSource(CharSequence text) {
        sources.append(text).append('\n');
        extensions = null;
    }

    /** Whether writing {@code piece} next in a call body keeps every literal a copy. */
    public boolean allows(CharSequence piece) {
        if (CmlToken.ofText(piece) != null) {
            return quote == 0; // [END] closes the call: not with a literal open
        }
        if (quote == 0 && indexOfQuote(piece) < 0) {
            return true; // most pieces: names, numbers, punctuation outside literals
        }
        if (quote != 0 && !piece.isEmpty() && !firstCharFits(piece.charAt(0))) {
            return false;
        }
        return scan(piece, true) != null;
    }

    private boolean firstCharFits(char c) {
        if (extensions == null) {
            extensions = new BitSet();
            String written = literal.toString();
            int last = sources.length() - written.length() - 1; // an occurrence must leave a character after it
            for (int at = sources.indexOf(written); at >= 0 && at <= last; at = sources.indexOf(written, at + 1)) {
                if (at == 0 || !isWordChar(sources.charAt(at - 1))) {
                    extensions.set(sources.charAt(at + written.length()));
                }
            }
            closable = isSpan(literal, true);
        }
        return c == quote ? closable : extensions.get(c);
    }

    /** Takes a piece the model wrote in a call body. */
    public void accept(CharSequence piece) {
        extensions = null;
        Scan after = scan(piece, false);
        quote = after.quote();
        literal = after.literal();
    }

    /** The literal state after a piece: the open quote (0: none) and what the open literal holds. */
    private record Scan(char quote, StringBuilder literal) {
    }

    /**
     * Walks {@code piece} from the current state without changing it. With {@code check}, null as soon as a literal
     * stops being the start of a span, or closes without being a whole one.
     */
    private Scan scan(CharSequence piece, boolean check) {
        char q = quote;
        StringBuilder lit = new StringBuilder(literal);
        for (int i = 0; i < piece.length(); i++) {
            char c = piece.charAt(i);
            if (q == 0) {
                if (c == '\'' || c == '"') {
                    q = c;
                    lit.setLength(0);
                }
            } else if (c == q) {
                if (check && !isSpan(lit, true)) {
                    return null;
                }
                q = 0;
            } else {
                lit.append(c);
                if (check && !isSpan(lit, false)) {
                    return null;
                }
            }
        }
        return new Scan(q, lit);
    }

    /** The call ended: the next body starts outside any literal. */
    public void reset() {
        extensions = null;
        quote = 0;
        literal.setLength(0);
    }

    /**
     * Whether {@code s} occurs in the sources starting at a word boundary and, when {@code whole}, ending at one. A
     * literal still being written needs only the start: it can grow along any occurrence to that occurrence's end.
     */
    private boolean isSpan(CharSequence s, boolean whole) {
        if (s.isEmpty()) {
            return true;
        }
        String needle = s.toString();
        for (int at = sources.indexOf(needle); at >= 0; at = sources.indexOf(needle, at + 1)) {
            boolean starts = at == 0 || !isWordChar(sources.charAt(at - 1));
            int end = at + needle.length();
            if (starts && (!whole || end == sources.length() || !isWordChar(sources.charAt(end)))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }

    private static int indexOfQuote(CharSequence s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\'' || c == '"') {
                return i;
            }
        }
        return -1;
    }
}
