package org.asynclm.runtime.exec;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.asynclm.cml.CmlToken;
import org.asynclm.cml.CmlWriter;
import org.asynclm.runtime.clock.Clock;

/** Arrivals from tool threads and from a person typing, stamped with the wall clock as they are posted. */
public final class WallInbox implements Inbox {
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final ArrayDeque<Interrupt> ready = new ArrayDeque<>();
    private int expected;
    private long seq;

    public WallInbox(Clock clock) {
        this.clock = clock;
    }

    /** A call has started; its arrival is now expected. Returns its ticket. */
    long expect() {
        lock.lock();
        try {
            expected++;
            return seq++;
        } finally {
            lock.unlock();
        }
    }

    /** The arrival of an expected call. */
    void post(long ticket, String id, String valueJson, Interrupt.Kind kind, String function, long startedAt) {
        lock.lock();
        try {
            ready.add(new Interrupt(id, valueJson, kind, function, ticket, startedAt, clock.nanos()));
            expected--;
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<Interrupt> drainReady() {
        lock.lock();
        try {
            if (ready.isEmpty()) {
                return List.of();
            }
            List<Interrupt> out = new ArrayList<>(ready);
            ready.clear();
            return out;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean awaitArrival() throws InterruptedException {
        lock.lock();
        try {
            while (ready.isEmpty()) {
                if (expected == 0) {
                    return false;
                }
                arrived.await();
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void postUser(String text, long at) {
        lock.lock();
        try {
            long now = clock.nanos();
            ready.add(new Interrupt(CmlToken.USER_ID, CmlWriter.json(text), Interrupt.Kind.USER, null, seq++, now, now));
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int outstanding() {
        lock.lock();
        try {
            return expected;
        } finally {
            lock.unlock();
        }
    }
}
