package org.asynclm.runtime.exec;

import java.util.List;

/** Arrivals waiting to be injected, in arrival order. */
public interface Inbox {

    /** Every arrival due by now, oldest first. */
    List<Interrupt> drainReady();

    /**
     * Blocks until at least one arrival is due. Returns false at once when nothing is in flight or scheduled, so a
     * waiting model cannot hang the runtime.
     */
    boolean awaitArrival() throws InterruptedException;

    /** A message from a person, due now (wall clock) or at {@code at} (virtual clock). */
    void postUser(String text, long at);

    /** Calls started but not yet arrived, plus scheduled messages. */
    int outstanding();
}
