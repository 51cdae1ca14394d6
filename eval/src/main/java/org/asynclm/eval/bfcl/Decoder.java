package org.asynclm.eval.bfcl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.asynclm.cml.PyCall;
import org.asynclm.cml.PySyntaxException;

/**
 * BFCL's prompting decoder: strip backticks, newlines and spaces from the ends; wrap in brackets when missing;
 * strip single quotes; parse. Python keeps keyword arguments only (positional ones are dropped, as BFCL does).
 * Java and JavaScript take the first call expression and keep each {@code name=value} value as its source text.
 */
public final class Decoder {
    private Decoder() {
    }

    public static Decoded decode(String raw, Language language) {
        String s = strip(raw, "`\n ");
        if (!s.startsWith("[")) {
            s = "[" + s;
        }
        if (!s.endsWith("]")) {
            s = s + "]";
        }
        return language == Language.PYTHON ? python(s) : sourceText(s.substring(1, s.length() - 1), language);
    }

    private static Decoded python(String s) {
        String body = strip(s.strip(), "'");
        try {
            List<Map<String, Map<String, Object>>> out = new ArrayList<>();
            for (PyCall c : PyCall.parseBfclCallList(body)) {
                Map<String, Map<String, Object>> call = new LinkedHashMap<>();
                call.put(c.function(), new LinkedHashMap<>(c.keywords()));
                out.add(call);
            }
            return new Decoded(out, null);
        } catch (PySyntaxException e) {
            return new Decoded(List.of(), e.getMessage());
        }
    }

    private static final Pattern JAVA_STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
    private static final Pattern JAVA_CHAR = Pattern.compile("'(?:[^'\\\\]|\\\\.)'");

    /**
     * A value's source text as BFCL's tree-sitter decoders keep it: Java strips the quotes of a string or character
     * literal standing alone; JavaScript strips any matching pair of outer quotes.
     */
    private static String valueText(String v, Language language) {
        if (language == Language.JAVA) {
            return JAVA_STRING.matcher(v).matches() || JAVA_CHAR.matcher(v).matches() ? v.substring(1, v.length() - 1) : v;
        }
        boolean quoted = v.length() >= 2 && ((v.startsWith("\"") && v.endsWith("\""))
                || (v.startsWith("'") && v.endsWith("'")));
        return quoted ? v.substring(1, v.length() - 1) : v;
    }

    /** The first call in Java or JavaScript source; arguments must be {@code name=value}. */
    private static Decoded sourceText(String s, Language language) {
        int open = s.indexOf('(');
        if (open < 0) {
            return new Decoded(List.of(), "no call expression");
        }
        String name = s.substring(0, open).strip();
        if (!name.matches("[A-Za-z_$][\\w$]*(\\.[A-Za-z_$][\\w$]*)*")) {
            return new Decoded(List.of(), "no call expression");
        }
        int close = matching(s, open);
        if (close < 0) {
            return new Decoded(List.of(), "unbalanced parentheses");
        }
        Map<String, Object> params = new LinkedHashMap<>();
        for (String arg : splitTopLevel(s.substring(open + 1, close))) {
            if (arg.isBlank()) {
                continue;
            }
            int eq = assignment(arg);
            if (eq < 0) {
                return new Decoded(List.of(), "argument is not name=value: " + arg.strip());
            }
            params.put(arg.substring(0, eq).strip(), valueText(arg.substring(eq + 1).strip(), language));
        }
        Map<String, Map<String, Object>> call = new LinkedHashMap<>();
        call.put(name, params);
        return new Decoded(List.of(call), null);
    }

    private static int assignment(String arg) {
        int eq = arg.indexOf('=');
        if (eq <= 0 || (eq + 1 < arg.length() && arg.charAt(eq + 1) == '=')) {
            return -1;
        }
        return arg.substring(0, eq).strip().matches("[A-Za-z_$][\\w$]*") ? eq : -1;
    }

    private static int matching(String s, int open) {
        int depth = 0;
        char quote = 0;
        for (int k = open; k < s.length(); k++) {
            char c = s.charAt(k);
            if (quote != 0) {
                if (c == '\\') {
                    k++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '"' || c == '\'' || c == '`') {
                quote = c;
            } else if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                depth--;
                if (depth == 0) {
                    return k;
                }
            }
        }
        return -1;
    }

    private static List<String> splitTopLevel(String s) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        char quote = 0;
        int start = 0;
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            if (quote != 0) {
                if (c == '\\') {
                    k++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '"' || c == '\'' || c == '`') {
                quote = c;
            } else if (c == '(' || c == '[' || c == '{' || c == '<') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}' || c == '>') {
                depth--;
            } else if (c == ',' && depth == 0) {
                out.add(s.substring(start, k));
                start = k + 1;
            }
        }
        out.add(s.substring(start));
        return out;
    }

    /** Python's {@code str.strip(chars)}. */
    static String strip(String s, String chars) {
        int a = 0;
        int b = s.length();
        while (a < b && chars.indexOf(s.charAt(a)) >= 0) {
            a++;
        }
        while (b > a && chars.indexOf(s.charAt(b - 1)) >= 0) {
            b--;
        }
        return s.substring(a, b);
    }
}
