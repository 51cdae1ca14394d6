package org.asynclm.cml;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Recursive-descent parser for the subset of Python expressions that function calls and BFCL answers use. */
final class PyParser {
    private final String src;
    private final boolean bfcl;
    private int i;

    PyParser(String src) {
        this(src, false);
    }

    /** {@code bfcl}: decode as BFCL's {@code ast_checker} does, quirks included (a unary + negates). */
    PyParser(String src, boolean bfcl) {
        this.src = src;
        this.bfcl = bfcl;
    }

    /**
     * A list or tuple of calls, or one call, as BFCL's prompting decoder accepts: every element must be a call.
     */
    List<PyCall> parseCallList() throws PySyntaxException {
        skipSpace();
        List<PyCall> calls;
        char open = i < src.length() ? src.charAt(i) : 0;
        if (open == '[' || open == '(') {
            i++;
            calls = sequence(open == '[' ? ']' : ')', this::callElement);
        } else {
            calls = List.of(callElement());
        }
        skipSpace();
        if (i < src.length()) {
            throw error("unexpected '" + src.charAt(i) + "' after the calls", i);
        }
        return calls;
    }

    private PyCall callElement() throws PySyntaxException {
        int start = i;
        String name = dottedName();
        skipSpace();
        if (name == null || !accept('(')) {
            throw error("element is not a function call", start);
        }
        PyCall call = callArguments(name);
        skipSpace();
        if (i < src.length() && src.charAt(i) != ',' && src.charAt(i) != ']' && src.charAt(i) != ')') {
            throw error("element is not a function call", start);
        }
        return call;
    }

    PyCall parseSingleCall() throws PySyntaxException {
        skipSpace();
        int start = i;
        String name = dottedName();
        if (name == null) {
            throw error("expected a function name", start);
        }
        skipSpace();
        expect('(');
        PyCall call = callArguments(name);
        skipSpace();
        if (i < src.length()) {
            throw error("unexpected '" + src.charAt(i) + "' after the call", i);
        }
        return call;
    }

    private PyCall callArguments(String name) throws PySyntaxException {
        List<Object> positional = new ArrayList<>();
        Map<String, Object> keywords = new LinkedHashMap<>();
        skipSpace();
        while (!peek(')')) {
            int argStart = i;
            String kw = keywordAhead();
            if (kw != null) {
                if (keywords.containsKey(kw)) {
                    throw error("keyword argument '" + kw + "' repeated", argStart);
                }
                keywords.put(kw, expression());
            } else {
                if (!keywords.isEmpty()) {
                    throw error("positional argument follows keyword argument", argStart);
                }
                positional.add(expression());
            }
            skipSpace();
            if (!accept(',')) {
                break;
            }
            skipSpace();
        }
        expect(')');
        return new PyCall(name, positional, keywords);
    }

    /** If the input continues with {@code name =} (not {@code ==}), consumes it and returns the name. */
    private String keywordAhead() {
        int save = i;
        String name = identifier();
        if (name != null) {
            skipSpace();
            if (peek('=') && !(i + 1 < src.length() && src.charAt(i + 1) == '=')) {
                i++;
                skipSpace();
                return name;
            }
        }
        i = save;
        return null;
    }

    /**
     * Python's tokenizer refuses brackets nested more than 200 deep ("too many nested parentheses"), and so does
     * this parser, rather than recursing until the stack runs out.
     */
    private static final int MAX_NESTING = 200;
    private int nesting;

    private Object expression() throws PySyntaxException {
        enter();
        try {
            return sum();
        } finally {
            nesting--;
        }
    }

    private void enter() throws PySyntaxException {
        if (++nesting > MAX_NESTING) {
            throw new PySyntaxException("too many nested parentheses (more than " + MAX_NESTING + " levels)", i + 1);
        }
    }

    private Object sum() throws PySyntaxException {
        skipSpace();
        Object left = term();
        while (true) {
            skipSpace();
            int opAt = i;
            if (accept('+')) {
                left = Arith.add(left, term(), opAt, this);
            } else if (peek('-')) {
                i++;
                left = Arith.sub(left, term(), opAt, this);
            } else {
                return left;
            }
        }
    }

    private Object term() throws PySyntaxException {
        Object left = unary();
        while (true) {
            skipSpace();
            int opAt = i;
            if (src.startsWith("//", i)) {
                i += 2;
                left = Arith.floorDiv(left, unary(), opAt, this);
            } else if (peek('*') && !src.startsWith("**", i)) {
                i++;
                left = Arith.mul(left, unary(), opAt, this);
            } else if (peek('/')) {
                i++;
                left = Arith.div(left, unary(), opAt, this);
            } else if (peek('%')) {
                i++;
                left = Arith.mod(left, unary(), opAt, this);
            } else {
                return left;
            }
        }
    }

    private Object unary() throws PySyntaxException {
        skipSpace();
        int at = i;
        if (accept('-')) {
            return Arith.negate(signed(), at, this);
        }
        if (accept('+')) {
            Object v = signed();
            Arith.requireNumber(v, at, this);
            return bfcl ? Arith.negate(v, at, this) : v; // BFCL negates every UnaryOp operand
        }
        return power();
    }

    /** The operand of a sign, which may be signed again: nested as deep as brackets may be. */
    private Object signed() throws PySyntaxException {
        enter();
        try {
            return unary();
        } finally {
            nesting--;
        }
    }

    private Object power() throws PySyntaxException {
        Object base = primary();
        skipSpace();
        int at = i;
        if (src.startsWith("**", i)) {
            i += 2;
            return Arith.pow(base, unary(), at, this);
        }
        return base;
    }

    private Object primary() throws PySyntaxException {
        skipSpace();
        if (i >= src.length()) {
            throw error("expected a value", i);
        }
        char c = src.charAt(i);
        int start = i;
        if (c == '\'' || c == '"') {
            return strings();
        }
        if (Character.isDigit(c) || (c == '.' && i + 1 < src.length() && Character.isDigit(src.charAt(i + 1)))) {
            return number();
        }
        if (c == '[') {
            i++;
            return subscripted(sequence(']'), start);
        }
        if (c == '(') {
            i++;
            skipSpace();
            if (accept(')')) {
                return new PyTuple(List.of());
            }
            Object first = expression();
            skipSpace();
            if (accept(')')) {
                return first; // parenthesised expression
            }
            expect(',');
            List<Object> items = new ArrayList<>();
            items.add(first);
            items.addAll(sequence(')'));
            return new PyTuple(items);
        }
        if (c == '{') {
            i++;
            return dict();
        }
        if (src.startsWith("...", i)) {
            i += 3;
            return "...";
        }
        if (isIdentStart(c)) {
            String name = dottedName();
            String prefix = name;
            if (!name.contains(".") && (name.length() <= 2) && i < src.length()
                    && (src.charAt(i) == '\'' || src.charAt(i) == '"')) {
                return prefixedString(prefix, start);
            }
            switch (name) {
                case "True": return Boolean.TRUE;
                case "False": return Boolean.FALSE;
                case "None": return null;
                default: break;
            }
            skipSpace();
            if (accept('(')) {
                PyCall nested = callArguments(name);
                if (nested.keywords().isEmpty()) {
                    return src.substring(start, i); // BFCL keeps a call without keywords as its source text
                }
                Map<String, Object> asDict = new LinkedHashMap<>();
                asDict.put(nested.function(), new LinkedHashMap<>(nested.keywords()));
                return asDict;
            }
            if (peek('[')) {
                return subscripted(name, start);
            }
            return name; // a bare name decodes to its identifier
        }
        throw error("unexpected '" + c + "'", i);
    }

    /** {@code x[...]} decodes to its source text, as BFCL does for a Subscript. */
    private Object subscripted(Object value, int start) throws PySyntaxException {
        skipSpace();
        if (!peek('[')) {
            return value;
        }
        while (peek('[')) {
            i++;
            expression();
            skipSpace();
            expect(']');
            skipSpace();
        }
        return src.substring(start, i).strip();
    }

    private List<Object> sequence(char close) throws PySyntaxException {
        return sequence(close, this::expression);
    }

    @FunctionalInterface
    private interface Element<T> {
        T parse() throws PySyntaxException;
    }

    /** Comma-separated elements up to {@code close} (a trailing comma allowed), the opener already consumed. */
    private <T> List<T> sequence(char close, Element<T> element) throws PySyntaxException {
        List<T> items = new ArrayList<>();
        skipSpace();
        while (!accept(close)) {
            items.add(element.parse());
            skipSpace();
            if (!accept(',')) {
                skipSpace();
                expect(close);
                break;
            }
            skipSpace();
        }
        return items;
    }

    private Map<Object, Object> dict() throws PySyntaxException {
        Map<Object, Object> map = new LinkedHashMap<>();
        skipSpace();
        while (!accept('}')) {
            int keyAt = i;
            Object key = expression();
            skipSpace();
            if (!peek(':')) {
                throw error("expected ':' in a dict (set literals are not supported)", i);
            }
            i++;
            Object value = expression();
            if (key instanceof List || key instanceof Map) {
                throw error("unhashable dict key", keyAt);
            }
            map.put(key, value);
            skipSpace();
            if (!accept(',')) {
                skipSpace();
                expect('}');
                break;
            }
            skipSpace();
        }
        return map;
    }

    private Object prefixedString(String prefix, int start) throws PySyntaxException {
        String p = prefix.toLowerCase(Locale.ROOT);
        if (p.contains("f")) {
            throw error("f-strings are not values", start);
        }
        if (!p.matches("r|u|b|br|rb")) {
            throw error("unknown string prefix '" + prefix + "'", start);
        }
        StringBuilder sb = new StringBuilder(stringLiteral(p.contains("r")));
        concatenateAdjacent(sb);
        return sb.toString();
    }

    private String strings() throws PySyntaxException {
        StringBuilder sb = new StringBuilder(stringLiteral(false));
        concatenateAdjacent(sb);
        return sb.toString();
    }

    private void concatenateAdjacent(StringBuilder sb) throws PySyntaxException {
        while (true) {
            int save = i;
            skipSpace();
            if (i < src.length() && (src.charAt(i) == '\'' || src.charAt(i) == '"')) {
                sb.append(stringLiteral(false));
            } else {
                i = save;
                return;
            }
        }
    }

    private String stringLiteral(boolean raw) throws PySyntaxException {
        int start = i;
        char q = src.charAt(i);
        boolean triple = src.startsWith(String.valueOf(q).repeat(3), i);
        i += triple ? 3 : 1;
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (i >= src.length()) {
                throw error("unterminated string", start);
            }
            char c = src.charAt(i);
            if (c == q && (!triple || src.startsWith(String.valueOf(q).repeat(3), i))) {
                i += triple ? 3 : 1;
                return sb.toString();
            }
            if (c == '\n' && !triple) {
                throw error("unterminated string", start);
            }
            if (c == '\\') {
                if (raw) {
                    sb.append(c);
                    if (i + 1 < src.length()) {
                        sb.append(src.charAt(i + 1));
                    }
                    i += 2;
                } else {
                    escape(sb);
                }
                continue;
            }
            sb.append(c);
            i++;
        }
    }

    private void escape(StringBuilder sb) throws PySyntaxException {
        int at = i;
        i++;
        if (i >= src.length()) {
            throw error("unterminated string", at);
        }
        char e = src.charAt(i++);
        switch (e) {
            case 'n' -> sb.append('\n');
            case 't' -> sb.append('\t');
            case 'r' -> sb.append('\r');
            case '0', '1', '2', '3', '4', '5', '6', '7' -> {
                int end = i - 1;
                while (end < src.length() && end < i + 2 && src.charAt(end) >= '0' && src.charAt(end) <= '7') {
                    end++;
                }
                sb.append((char) Integer.parseInt(src.substring(i - 1, end), 8));
                i = end;
            }
            case 'x' -> sb.appendCodePoint(hex(2, at));
            case 'u' -> sb.appendCodePoint(hex(4, at));
            case 'U' -> sb.appendCodePoint(hex(8, at));
            case 'a' -> sb.append('\u0007');
            case 'b' -> sb.append('\b');
            case 'f' -> sb.append('\f');
            case 'v' -> sb.append('\u000b');
            case '\\', '\'', '"' -> sb.append(e);
            case '\n' -> { } // line continuation
            default -> sb.append('\\').append(e); // Python keeps unknown escapes as written
        }
    }

    private int hex(int digits, int at) throws PySyntaxException {
        if (i + digits > src.length()) {
            throw error("truncated \\x/\\u escape", at);
        }
        try {
            int v = Integer.parseUnsignedInt(src.substring(i, i + digits), 16);
            i += digits;
            return v;
        } catch (NumberFormatException ex) {
            throw error("bad hex escape", at);
        }
    }

    private Object number() throws PySyntaxException {
        int start = i;
        if (src.startsWith("0x", i) || src.startsWith("0X", i) || src.startsWith("0o", i) || src.startsWith("0O", i)
                || src.startsWith("0b", i) || src.startsWith("0B", i)) {
            char kind = Character.toLowerCase(src.charAt(i + 1));
            i += 2;
            int digitsStart = i;
            while (i < src.length() && (Character.isLetterOrDigit(src.charAt(i)) || src.charAt(i) == '_')) {
                i++;
            }
            int radix = kind == 'x' ? 16 : kind == 'o' ? 8 : 2;
            try {
                return narrow(new BigInteger(src.substring(digitsStart, i).replace("_", ""), radix));
            } catch (NumberFormatException ex) {
                throw error("bad integer literal", start);
            }
        }
        boolean isFloat = false;
        while (i < src.length() && (Character.isDigit(src.charAt(i)) || src.charAt(i) == '_')) {
            i++;
        }
        if (i < src.length() && src.charAt(i) == '.') {
            isFloat = true;
            i++;
            while (i < src.length() && (Character.isDigit(src.charAt(i)) || src.charAt(i) == '_')) {
                i++;
            }
        }
        if (i < src.length() && (src.charAt(i) == 'e' || src.charAt(i) == 'E')) {
            int save = i;
            i++;
            if (i < src.length() && (src.charAt(i) == '+' || src.charAt(i) == '-')) {
                i++;
            }
            if (i < src.length() && Character.isDigit(src.charAt(i))) {
                isFloat = true;
                while (i < src.length() && Character.isDigit(src.charAt(i))) {
                    i++;
                }
            } else {
                i = save;
            }
        }
        if (i < src.length() && (src.charAt(i) == 'j' || src.charAt(i) == 'J')) {
            throw error("complex numbers are not supported", start);
        }
        if (i < src.length() && isIdentStart(src.charAt(i))) {
            throw error("invalid number literal", start);
        }
        String text = src.substring(start, i).replace("_", "");
        if (isFloat) {
            return Double.parseDouble(text);
        }
        if (text.length() > 1 && text.charAt(0) == '0' && !text.chars().allMatch(ch -> ch == '0')) {
            throw error("leading zeros in a decimal integer", start);
        }
        return narrow(new BigInteger(text));
    }

    static Object narrow(BigInteger v) {
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    private String dottedName() {
        String first = identifier();
        if (first == null) {
            return null;
        }
        StringBuilder sb = new StringBuilder(first);
        while (true) {
            int save = i;
            skipSpace();
            if (accept('.')) {
                skipSpace();
                String next = identifier();
                if (next == null) {
                    i = save;
                    return sb.toString();
                }
                sb.append('.').append(next);
            } else {
                i = save;
                return sb.toString();
            }
        }
    }

    private String identifier() {
        if (i >= src.length() || !isIdentStart(src.charAt(i))) {
            return null;
        }
        int start = i;
        while (i < src.length() && (Character.isLetterOrDigit(src.charAt(i)) || src.charAt(i) == '_')) {
            i++;
        }
        return src.substring(start, i);
    }

    private static boolean isIdentStart(char c) {
        return Character.isLetter(c) || c == '_';
    }

    private void skipSpace() {
        while (i < src.length()) {
            char c = src.charAt(i);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                i++;
            } else if (c == '\\' && i + 1 < src.length() && src.charAt(i + 1) == '\n') {
                i += 2;
            } else {
                return;
            }
        }
    }

    private boolean peek(char c) {
        return i < src.length() && src.charAt(i) == c;
    }

    private boolean accept(char c) {
        if (peek(c)) {
            i++;
            return true;
        }
        return false;
    }

    private void expect(char c) throws PySyntaxException {
        if (!accept(c)) {
            throw error(i < src.length() ? "expected '" + c + "' but found '" + src.charAt(i) + "'"
                    : "expected '" + c + "' but the body ended", i);
        }
    }

    PySyntaxException error(String message, int at) {
        return new PySyntaxException(message, at + 1);
    }
}
