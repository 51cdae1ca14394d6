package org.asynclm.runtime;

/**
 * A stretch of the assistant turn: what the model wrote (split after every control block, so a block's end is a
 * segment's end), or one interrupt the runtime injected. {@code tokens} is its length in the session's tokenizer.
 */
public record Segment(Kind kind, String text, int tokens) {
    public enum Kind { MODEL, INTERRUPT }
}
