package org.asynclm.serve;

/** A request the server refuses, with the HTTP status and the message of OpenAI's error object. */
final class BadRequest extends Exception {
    private final int status;
    private final String type;

    BadRequest(int status, String type, String message) {
        super(message);
        this.status = status;
        this.type = type;
    }

    static BadRequest invalid(String message) {
        return new BadRequest(400, "invalid_request_error", message);
    }

    int status() {
        return status;
    }

    String type() {
        return type;
    }
}
