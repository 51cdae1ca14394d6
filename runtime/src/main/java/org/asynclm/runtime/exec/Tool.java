package org.asynclm.runtime.exec;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** A function the model may call. The same tool code runs on the wall clock and on a virtual one. */
public interface Tool {

    String name();

    /** The JSON schema shown to the model, with {@code estimated_time_ms} when the tool has an estimate. */
    ObjectNode schema();

    /** The estimate shown to the model, in nanoseconds; negative when unknown. */
    default long estimatedNanos() {
        return -1;
    }

    /**
     * Runs the call and returns its result: a Jackson tree or plain Java values (String, Number, Boolean, null, List,
     * Map). An exception becomes an error result for the model.
     */
    Object invoke(Invocation invocation) throws Exception;
}
