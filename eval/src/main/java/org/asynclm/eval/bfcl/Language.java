package org.asynclm.eval.bfcl;

/** The language a category's functions are written in, which decides decoding and type conversion. */
public enum Language {
    PYTHON, JAVA, JAVASCRIPT;

    public static Language of(String category) {
        if (category.contains("java") && !category.contains("javascript")) {
            return JAVA;
        }
        return category.contains("javascript") ? JAVASCRIPT : PYTHON;
    }
}
