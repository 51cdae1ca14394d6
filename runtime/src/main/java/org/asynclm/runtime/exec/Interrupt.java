package org.asynclm.runtime.exec;

import org.asynclm.cml.CmlWriter;

/**
 * Something that arrived for the model: a call's result or error, or a person's message. {@code id} is null for
 * the completion of a call written without an id: it is recorded but never injected. {@code seq} orders arrivals
 * that share a time.
 */
public record Interrupt(String id, String valueJson, Kind kind, String function, long seq, long startedAt,
                        long arrivedAt) {

    public enum Kind { RESULT, ERROR, USER }

    public boolean injectable() {
        return id != null;
    }

    public String cml() {
        return CmlWriter.interrupt(id, valueJson);
    }
}
