package org.asynclm.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.IntConsumer;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress on standard error, so standard output stays clean for JSON: a bar redrawn in place on a terminal, and
 * off one (a log, CI) a plain line at every tenth of the work or every 30 seconds, whichever comes first, so that a
 * log holds a few readable lines instead of hundreds of redrawn frames.
 */
final class Progress implements AutoCloseable, IntConsumer {
    private static final long LINE_EVERY_NANOS = 30_000_000_000L;

    private final String task;
    private final long max;
    private final ProgressBar bar;
    private final PrintStream log;
    private final long start = System.nanoTime();
    private long lastLine = start;
    private long lastTenth;
    private long done;

    Progress(String task, long max) {
        this.task = task;
        this.max = max;
        if (StandardStreams.stderrIsTerminal()) {
            bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(max).setStyle(ProgressBarStyle.ASCII)
                    .setUpdateIntervalMillis(250).setConsumer(new ConsoleProgressBarConsumer(System.err)).build();
            log = null;
        } else {
            bar = null;
            log = System.err;
        }
    }

    @Override
    public void accept(int now) {
        if (bar != null) {
            bar.stepTo(now);
            return;
        }
        done = now;
        long tenth = max == 0 ? 10 : 10 * done / max;
        long t = System.nanoTime();
        if (tenth > lastTenth || t - lastLine >= LINE_EVERY_NANOS) {
            lastTenth = tenth;
            lastLine = t;
            line(t);
        }
    }

    private void line(long t) {
        double seconds = (t - start) / 1e9;
        String left = done == 0 || done >= max ? "" : String.format(Locale.ROOT, ", about %s left",
                clock(seconds * (max - done) / done));
        log.printf(Locale.ROOT, "%s: %d/%d (%d%%) after %s%s%n", task, done, max, max == 0 ? 100 : 100 * done / max,
                clock(seconds), left);
        log.flush();
    }

    private static String clock(double seconds) {
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
