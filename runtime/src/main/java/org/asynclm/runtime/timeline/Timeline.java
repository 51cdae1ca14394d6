package org.asynclm.runtime.timeline;

/** Receives what a session does, in nanoseconds of its clock. */
public interface Timeline {

    Timeline NONE = new Timeline() {
    };

    default void decode(long start, long end) {
    }

    default void prefill(long start, long end, int tokens) {
    }

    default void waiting(long start, long end, String reason) {
    }

    default void call(String id, String function, long start, long end, boolean error) {
    }

    default void interrupt(long at, String id, String kind) {
    }

    default void trap(long at) {
    }
}
