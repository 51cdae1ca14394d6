package org.asynclm.runtime.stop;

import java.util.concurrent.atomic.AtomicInteger;
import sun.misc.Signal;

/**
 * Ctrl-C (SIGINT) and SIGTERM as a request to stop at the next safe point, for the jobs that poll for it.
 *
 * <p>The JVM's own handling exits at once, while the main thread may be inside libtorch: the native library is then
 * torn down under a running kernel and the process dies of SIGSEGV, leaving an hs_err file. So while a job
 * {@link #cooperate cooperates}, a signal only sets a flag; the job sees it at its next {@link #check}, unwinds
 * (closing files, removing its temporaries, keeping the last complete checkpoint) and exits 128 + the signal's number.
 * A second signal, or one that arrives when no job cooperates, exits at once as the JVM would.
 */
public final class StopSignals {
    private static final AtomicInteger COOPERATING = new AtomicInteger();
    private static volatile StopSignal received;

    /** The two signals that ask a job to stop, with their numbers (the exit code is 128 + number). */
    public enum StopSignal {
        SIGINT(2), SIGTERM(15);

        private final int number;

        StopSignal(int number) {
            this.number = number;
        }

        public int exitCode() {
            return 128 + number;
        }
    }

    private StopSignals() {
    }

    /** Takes over SIGINT and SIGTERM for this process; called once by the command line's main. */
    public static void install() {
        for (StopSignal s : StopSignal.values()) {
            try {
                Signal.handle(new Signal(s.name().substring(3)), sig -> received(s));
            } catch (IllegalArgumentException e) {
                // the signal is reserved (e.g. -Xrs): the JVM's default handling stays
            }
        }
    }

    private static void received(StopSignal s) {
        if (COOPERATING.get() == 0 || received != null) {
            System.exit(s.exitCode());
        }
        received = s;
        System.err.println();
        System.err.println("asynclm: " + s.name() + ": stopping at the next safe point (send it again to stop now)");
        System.err.flush();
    }

    /** While the returned scope is open, a signal is a request that {@link #check} reports. */
    public static Scope cooperate() {
        COOPERATING.incrementAndGet();
        return COOPERATING::decrementAndGet;
    }

    /** Throws {@link StoppedException} once a stop was asked for; jobs call it between units of work. */
    public static void check() {
        StopSignal s = received;
        if (s != null) {
            throw new StoppedException(s);
        }
    }

    /** Asks for a stop as a signal would; for tests of what a job leaves behind. */
    public static void request(StopSignal s) {
        received = s;
    }

    /** Forgets a request; for tests that go on after one. */
    public static void clear() {
        received = null;
    }

    /** A cooperation scope. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
