package org.asynclm.runtime.remote;

/**
 * An OpenAI-compatible server that cannot be used: down, refusing, or failing after every retry. The message is one
 * line naming the server and what it answered; the command line reports it as a bad input (exit 2).
 */
public final class RemoteFailure extends RuntimeException {
    public RemoteFailure(String message) {
        super(message);
    }
}
