package org.asynclm.cml;

/** The five CML markers. Each is one special token in a CML-aware tokenizer and plain text everywhere else. */
public enum CmlToken {
    CALL("[CALL]"),
    INTR("[INTR]"),
    TRAP("[TRAP]"),
    END("[END]"),
    HEAD("[HEAD]");

    /** Interrupts from a person arriving mid-generation carry this id. */
    public static final String USER_ID = "user";
    /** Errors the runtime reports that belong to no valid call id (a trap with nothing pending, a duplicate id). */
    public static final String RUNTIME_ID = "runtime";

    private final String text;

    CmlToken(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }

    private static final CmlToken[] ALL = values();

    /** The marker spelled exactly by {@code s}, or null. */
    public static CmlToken ofText(CharSequence s) {
        int n = s.length();
        if (n < 5 || n > 6 || s.charAt(0) != '[' || s.charAt(n - 1) != ']') {
            return null;
        }
        for (CmlToken t : ALL) {
            if (t.text.length() == n && t.text.contentEquals(s)) {
                return t;
            }
        }
        return null;
    }

    /** True when {@code s} could still grow into a marker (it is a proper or full prefix of one). */
    public static boolean isPrefixOfMarker(CharSequence s) {
        int n = s.length();
        if (n == 0 || s.charAt(0) != '[') {
            return false;
        }
        if (n == 1) {
            return true;
        }
        CmlToken candidate = switch (s.charAt(1)) { // the five markers differ in their second character
            case 'C' -> CALL;
            case 'I' -> INTR;
            case 'T' -> TRAP;
            case 'E' -> END;
            case 'H' -> HEAD;
            default -> null;
        };
        if (candidate == null || n > candidate.text.length()) {
            return false;
        }
        for (int i = 2; i < n; i++) {
            if (s.charAt(i) != candidate.text.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    public static boolean isReservedId(String id) {
        return USER_ID.equals(id) || RUNTIME_ID.equals(id);
    }

    /** An id is a Python identifier (ASCII letters, digits, underscore; no leading digit). */
    public static boolean isValidId(String id) {
        if (id.isEmpty() || Character.isDigit(id.charAt(0))) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
                return false;
            }
        }
        return true;
    }
}
