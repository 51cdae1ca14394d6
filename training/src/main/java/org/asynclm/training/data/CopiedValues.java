package org.asynclm.training.data;

import java.util.ArrayList;
import java.util.List;
import org.asynclm.cml.CmlToken;

/**
 * Where a model segment copies a value: the argument values of its calls ({@code zip_code='36518'} gives the
 * span of {@code 36518}; {@code nights=7} that of {@code 7}). Each such value stands earlier in the context, in the
 * request or in a result, so these are the tokens a model can only get right by looking back and copying. The
 * span of a quoted value is its content, without the quotes.
 */
final class CopiedValues {
    private CopiedValues() {
    }

    /** Character spans [start, end) of every argument value in the calls of {@code segment}. */
    static List<int[]> spans(String segment) {
        List<int[]> out = new ArrayList<>();
        int from = 0;
        while (true) {
            int call = segment.indexOf(CmlToken.CALL.text(), from);
            if (call < 0) {
                return out;
            }
            int head = segment.indexOf(CmlToken.HEAD.text(), call);
            int open = head < 0 ? -1 : segment.indexOf('(', head);
            if (open < 0) {
                return out;
            }
            from = arguments(segment, open + 1, out);
        }
    }

    /** Scans one argument list from just after its '(' and returns where it ends. */
    private static int arguments(String s, int i, List<int[]> out) {
        int depth = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\'' || c == '"') {
                i = closingQuote(s, i) + 1;
            } else if (c == '(' || c == '[' || c == '{') {
                depth++;
                i++;
            } else if (c == ')' || c == ']' || c == '}') {
                if (depth == 0) {
                    return i + 1;
                }
                depth--;
                i++;
            } else if (c == '=' && depth == 0) {
                i = value(s, i + 1, out);
            } else {
                i++;
            }
        }
        return i;
    }

    /**
     * Records the value that starts at {@code i} (after '=') and returns where it ends. A list, tuple or dict is its
     * elements: each string's content and each bare literal, not the brackets and commas around them.
     */
    private static int value(String s, int i, List<int[]> out) {
        int depth = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\'' || c == '"') {
                int close = closingQuote(s, i);
                if (close > i + 1) {
                    out.add(new int[] {i + 1, close});
                }
                i = close + 1;
            } else if (c == '(' || c == '[' || c == '{') {
                depth++;
                i++;
            } else if (c == ')' || c == ']' || c == '}') {
                if (depth == 0) {
                    return i; // the argument list's own ')'
                }
                depth--;
                i++;
            } else if (c == ',' && depth == 0) {
                return i;
            } else if (c == ',' || c == ':' || c == ' ') {
                i++;
            } else {
                int end = i;
                while (end < s.length() && ",:)]} '\"".indexOf(s.charAt(end)) < 0) {
                    end++;
                }
                out.add(new int[] {i, end});
                i = end;
            }
        }
        return i;
    }

    /** The index of the quote that closes the one at {@code open} (backslash escapes), or the end of the text. */
    private static int closingQuote(String s, int open) {
        char q = s.charAt(open);
        for (int i = open + 1; i < s.length(); i++) {
            if (s.charAt(i) == '\\') {
                i++;
            } else if (s.charAt(i) == q) {
                return i;
            }
        }
        return s.length();
    }
}
