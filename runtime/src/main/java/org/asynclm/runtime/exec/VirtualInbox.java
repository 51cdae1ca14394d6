package org.asynclm.runtime.exec;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import org.asynclm.cml.CmlToken;
import org.asynclm.cml.CmlWriter;
import org.asynclm.runtime.clock.VirtualClock;

/** Arrivals as events on a virtual clock; waiting jumps the clock to the next one. */
public final class VirtualInbox implements Inbox {
    private final VirtualClock clock;
    private final PriorityQueue<Interrupt> events = new PriorityQueue<>(
            Comparator.comparingLong(Interrupt::arrivedAt).thenComparingLong(Interrupt::seq));
    private long seq;

    public VirtualInbox(VirtualClock clock) {
        this.clock = clock;
    }

    long nextSeq() {
        return seq++;
    }

    void schedule(Interrupt i) {
        events.add(i);
    }

    @Override
    public List<Interrupt> drainReady() {
        if (events.isEmpty() || events.peek().arrivedAt() > clock.nanos()) {
            return List.of();
        }
        List<Interrupt> ready = new ArrayList<>();
        while (!events.isEmpty() && events.peek().arrivedAt() <= clock.nanos()) {
            ready.add(events.poll());
        }
        return ready;
    }

    @Override
    public boolean awaitArrival() {
        if (events.isEmpty()) {
            return false;
        }
        clock.advanceTo(events.peek().arrivedAt());
        return true;
    }

    @Override
    public void postUser(String text, long at) {
        schedule(new Interrupt(CmlToken.USER_ID, CmlWriter.json(text), Interrupt.Kind.USER, null,
                nextSeq(), at, at));
    }

    @Override
    public int outstanding() {
        return events.size();
    }
}
