package org.asynclm.runtime;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import org.asynclm.cml.CmlWriter;
import org.asynclm.runtime.clock.Clock;
import org.asynclm.runtime.exec.Inbox;
import org.asynclm.runtime.exec.Interrupt;
import org.asynclm.runtime.timeline.Timeline;

/**
 * What is waiting for the model: arrivals pulled from the inbox in arrival order and recorded against the calls
 * they answer, plus the runtime's own error interrupts, queued until the session reaches a token boundary outside
 * any control block and takes them all at once. Times are relative to the start of decoding.
 */
final class InterruptManager {
    private final Inbox inbox;
    private final Clock clock;
    private final Timeline timeline;
    private final long t0;
    private final ArrayDeque<Interrupt> queued = new ArrayDeque<>();
    private final Map<Long, LiveCall> byTicket = new HashMap<>();
    private long lastResult;

    InterruptManager(Inbox inbox, Clock clock, Timeline timeline, long t0) {
        this.inbox = inbox;
        this.clock = clock;
        this.timeline = timeline;
        this.t0 = t0;
    }

    /** A started call; its arrival, identified by the executor's ticket, will be recorded on it. */
    void track(long ticket, LiveCall call) {
        byTicket.put(ticket, call);
    }

    /** Moves every arrival due by now into the queue (a call without id is recorded but not queued). */
    void pull() {
        for (Interrupt i : inbox.drainReady()) {
            LiveCall c = byTicket.get(i.seq());
            if (c != null) {
                c.arrivedAt = i.arrivedAt() - t0;
                c.error = i.kind() == Interrupt.Kind.ERROR;
                lastResult = Math.max(lastResult, c.arrivedAt);
                timeline.call(c.id, c.tool.name(), c.startedAt, c.arrivedAt, c.error);
            }
            if (i.injectable()) {
                queued.add(i);
            }
        }
    }

    /** Queues an error interrupt now, after everything that arrived before it. */
    void error(String id, String message) {
        pull();
        long now = clock.nanos();
        queued.add(new Interrupt(id, CmlWriter.errorJson(message), Interrupt.Kind.ERROR, null, -1, now, now));
    }

    boolean hasQueued() {
        return !queued.isEmpty();
    }

    /** Everything queued, in arrival order, marked as injected at {@code at}; the queue is left empty. */
    List<Interrupt> take(long at) {
        List<Interrupt> out = new ArrayList<>(queued);
        queued.clear();
        for (Interrupt i : out) {
            LiveCall c = byTicket.get(i.seq());
            if (c != null) {
                c.injectedAt = at;
            }
        }
        return out;
    }

    /** Calls started and not yet arrived, plus scheduled user messages. */
    int outstanding() {
        return inbox.outstanding();
    }

    /** Blocks until something arrives; false when nothing can. Interrupting the thread cancels the session. */
    boolean awaitArrival() {
        try {
            return inbox.awaitArrival();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("session cancelled while waiting for a tool");
        }
    }

    /** The shortest estimated time until a running call with a known estimate returns. */
    long estimatedWait(long now) {
        long best = Long.MAX_VALUE;
        for (LiveCall c : byTicket.values()) {
            long estimate = c.tool.estimatedNanos();
            if (c.arrivedAt < 0 && estimate >= 0) {
                best = Math.min(best, Math.max(0, c.startedAt + estimate - now));
            }
        }
        return best == Long.MAX_VALUE ? 0 : best;
    }

    long lastResult() {
        return lastResult;
    }
}
