package org.asynclm.cml;

/** A call body that is not the Python call syntax CML accepts; {@code column} is 1-based within the body. */
public final class PySyntaxException extends Exception {
    private final int column;

    public PySyntaxException(String message, int column) {
        super(message + " at column " + column);
        this.column = column;
    }

    public int column() {
        return column;
    }
}
