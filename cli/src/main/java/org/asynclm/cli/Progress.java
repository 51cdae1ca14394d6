package org.asynclm.cli;

import java.util.function.IntConsumer;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A progress bar on standard error, so standard output stays clean for JSON. */
final class Progress implements AutoCloseable, IntConsumer {
    private final ProgressBar bar;

    Progress(String task, long max) {
        bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(max).setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(250).setConsumer(new ConsoleProgressBarConsumer(System.err)).build();
    }

    @Override
    public void accept(int done) {
        bar.stepTo(done);
    }

    @Override
    public void close() {
        bar.close();
    }
}
