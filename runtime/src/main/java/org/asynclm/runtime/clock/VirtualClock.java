package org.asynclm.runtime.clock;

/** Discrete-event time: it moves only by {@link #spend} and {@link #advanceTo}. Not thread-safe: one session owns it. */
public final class VirtualClock implements Clock {
    private long now;

    @Override
    public long nanos() {
        return now;
    }

    @Override
    public void spend(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("negative time " + nanos);
        }
        now += nanos;
    }

    /** Jumps forward to an event's time; an event in the past leaves the clock where it is. */
    public void advanceTo(long t) {
        if (t > now) {
            now = t;
        }
    }

    @Override
    public boolean isVirtual() {
        return true;
    }
}
