package org.asynclm.runtime.exec;

import java.util.Map;
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
        ToolCall.Result result = new ToolCall(id, arguments, nanos -> slept[0] += nanos).run(tool);
        long took = slept[0];
        if (timeoutNanos > 0 && took > timeoutNanos) {
            took = timeoutNanos;
            result = ToolCall.timedOut(timeoutNanos);
        }
        long ticket = inbox.nextSeq();
        inbox.schedule(new Interrupt(id, result.valueJson(), result.kind(), tool.name(), ticket, start, start + took));
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
