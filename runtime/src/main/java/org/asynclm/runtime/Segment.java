package org.asynclm.runtime;

/** A stretch of the assistant turn: what the model wrote, or an interrupt the runtime injected. */
public record Segment(Kind kind, String text) {
    public enum Kind { MODEL, INTERRUPT }
}
