package org.asynclm.runtime.exec;

import java.util.Map;

/** One call of a tool. */
public interface Invocation {

    /** The call id, or null for a call written without one. */
    String callId();

    Map<String, Object> arguments();

    /**
     * Takes simulated time: a real sleep on the wall clock; on a virtual clock the call simply completes that much
     * later. Simulated tools use it for their latency.
     */
    void sleep(long nanos) throws InterruptedException;
}
