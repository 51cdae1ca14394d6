package org.asynclm.runtime.exec;

import java.util.Map;
import org.asynclm.cml.CmlWriter;
import org.asynclm.runtime.clock.VirtualClock;

/**
 * Runs each tool at once and schedules its arrival at start + the time it slept, so simulated latencies cost no
 * real time and every run is reproducible.
 */
public final class VirtualToolExecutor implements ToolExecutor {
    private final VirtualClock clock;
    private final VirtualInbox inbox;
    private final long timeoutNanos;

    public VirtualToolExecutor(VirtualClock clock, long timeoutNanos) {
        this.clock = clock;
        this.inbox = new VirtualInbox(clock);
        this.timeoutNanos = timeoutNanos;
    }

    @Override
    public long submit(String id, Tool tool, Map<String, Object> arguments) {
        long start = clock.nanos();
        long[] slept = {0};
        Invocation inv = new Invocation() {
            @Override
            public String callId() {
                return id;
            }

            @Override
            public Map<String, Object> arguments() {
                return arguments;
            }

            @Override
            public void sleep(long nanos) {
                slept[0] += Math.max(0, nanos);
            }
        };
        String value;
        Interrupt.Kind kind = Interrupt.Kind.RESULT;
        try {
            value = CmlWriter.json(tool.invoke(inv));
        } catch (Exception e) {
            value = CmlWriter.errorJson(ToolExecutor.describe(e));
            kind = Interrupt.Kind.ERROR;
        }
        long took = slept[0];
        if (timeoutNanos > 0 && took > timeoutNanos) {
            took = timeoutNanos;
            value = CmlWriter.errorJson("timed out after " + timeoutNanos / 1_000_000.0 + " ms");
            kind = Interrupt.Kind.ERROR;
        }
        long ticket = inbox.nextSeq();
        inbox.schedule(new Interrupt(id, value, kind, tool.name(), ticket, start, start + took));
        return ticket;
    }

    @Override
    public Inbox inbox() {
        return inbox;
    }

    @Override
    public void close() {
    }
}
