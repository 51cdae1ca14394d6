package org.asynclm.runtime;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.stream.Collectors;

/** How results reach the model. Configs and the command line name it as {@link #id()}. */
public enum Method {
    /** Generation stops after each call until its result is injected. */
    SYNC("sync"),
    /** The model writes every ready call, ends its message, and resumes when all of them are back. */
    SYNC_PARALLEL("sync-parallel"),
    /** Asynchronous, but every interrupt drops the context and re-prefills it whole. */
    ASYNC_NAIVE("async-naive"),
    /** Asynchronous; interrupts are appended to the cached context. */
    ASYNC("async");

    private final String id;

    Method(String id) {
        this.id = id;
    }

    @JsonValue
    public String id() {
        return id;
    }

    @JsonCreator
    public static Method parse(String s) {
        for (Method m : values()) {
            if (m.id.equals(s)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown method '" + s + "' (expected one of "
                + Arrays.stream(values()).map(Method::id).collect(Collectors.joining(", ")) + ")");
    }
}
