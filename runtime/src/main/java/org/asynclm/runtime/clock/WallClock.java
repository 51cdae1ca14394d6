package org.asynclm.runtime.clock;

import java.util.concurrent.locks.LockSupport;

/** Real time. With {@code emulate} it sleeps modelled compute time, as the paper emulates a model's TPOT. */
public final class WallClock implements Clock {
    private final long origin = System.nanoTime();
    private final boolean emulate;

    public WallClock(boolean emulate) {
        this.emulate = emulate;
    }

    @Override
    public long nanos() {
        return System.nanoTime() - origin;
    }

    @Override
    public void spend(long nanos) {
        if (!emulate || nanos <= 0) {
            return;
        }
        long deadline = System.nanoTime() + nanos;
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
        }
    }

    @Override
    public boolean isVirtual() {
        return false;
    }
}
