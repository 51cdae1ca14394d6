package org.asynclm.runtime;

/**
 * A model as the runtime drives it: one context, grown by prefill, decode and append. Implementations: the teacher
 * (a perfect policy on a virtual clock), a local Llama (interrupts go into its KV cache), a remote server.
 */
public interface Engine extends AutoCloseable {

    /** Starts a fresh context with the prompt. */
    void prefill(int[] prompt);

    /** Generates the next token, choosing only among those {@code allowed} accepts, and adds it to the context. */
    int decode(TokenFilter allowed);

    /** Adds tokens written by the runtime (interrupts) at the current position. */
    void append(int[] tokens);

    /**
     * What to do with the cached context before a wait: keep it, drop it (the next step recomputes the whole
     * context) or swap it to host memory (the next step brings it back).
     */
    void cache(CacheAction action);

    int contextLength();

    /** The longest context the model takes; the runtime ends a turn that reaches it. */
    default int maxContext() {
        return Integer.MAX_VALUE;
    }

    @Override
    default void close() {
    }
}
