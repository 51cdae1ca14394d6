package org.asynclm.runtime;

/**
 * A user's input is wrong: the message is one line that names the file, line and field, and the command exits
 * with code 2 without a stack trace.
 */
public class BadInputException extends Exception {
    public BadInputException(String message) {
        super(message);
    }
}
