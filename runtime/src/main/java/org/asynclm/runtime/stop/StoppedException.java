package org.asynclm.runtime.stop;

/** A job stopped at a safe point because a signal asked it to; the command exits with {@link #exitCode}. */
public final class StoppedException extends RuntimeException {
    private final StopSignals.StopSignal signal;

    public StoppedException(StopSignals.StopSignal signal) {
        super("stopped by " + signal.name());
        this.signal = signal;
    }

    public StopSignals.StopSignal signal() {
        return signal;
    }

    public int exitCode() {
        return signal.exitCode();
    }
}
