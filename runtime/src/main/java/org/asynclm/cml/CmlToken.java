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

    /** The marker spelled exactly by {@code s}, or null. */
    public static CmlToken ofText(CharSequence s) {
        for (CmlToken t : values()) {
            if (t.text.contentEquals(s)) {
                return t;
            }
        }
        return null;
    }

    /** True when {@code s} could still grow into a marker (it is a proper or full prefix of one). */
    public static boolean isPrefixOfMarker(CharSequence s) {
        outer:
        for (CmlToken t : values()) {
            if (s.length() > t.text.length()) {
                continue;
            }
            for (int i = 0; i < s.length(); i++) {
                if (s.charAt(i) != t.text.charAt(i)) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
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
