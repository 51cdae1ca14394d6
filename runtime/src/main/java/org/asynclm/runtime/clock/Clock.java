package org.asynclm.runtime.clock;

/** Where every component reads time. Nanoseconds since the clock's own origin. */
public interface Clock {

    long nanos();

    /**
     * Accounts for modelled compute time (a decoded token, a prefill). A virtual clock advances by it; a wall clock
     * lets real work take the real time, or sleeps it when it emulates a model's speed.
     */
    void spend(long nanos);

    /** True when time only moves because the program moves it (simulation). */
    boolean isVirtual();
}
