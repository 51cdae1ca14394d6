package org.asynclm.bfcl.multiturn;

/**
 * A Python exception raised while executing a call; its message is Python's {@code str(e)}, which BFCL reports as
 * {@code "Error during execution: " + str(e)}.
 */
public final class PyException extends Exception {
    public PyException(String message) {
        super(message);
    }
}
