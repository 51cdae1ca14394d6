package org.asynclm.runtime.exec;

import java.util.Map;

/** Starts tool calls; each one's result or error arrives in {@link #inbox()} exactly once. */
public interface ToolExecutor extends AutoCloseable {

    /**
     * Starts a call now and returns its ticket, which its arrival carries as {@link Interrupt#seq()}. {@code id}
     * null: the completion is recorded but not injected.
     */
    long submit(String id, Tool tool, Map<String, Object> arguments);

    Inbox inbox();

    @Override
    void close();

    /** The text of an error result for a failed call. */
    static String describe(Throwable t) {
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
    }
}
