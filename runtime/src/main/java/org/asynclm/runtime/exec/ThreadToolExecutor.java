package org.asynclm.runtime.exec;

import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.asynclm.runtime.clock.Clock;

/**
 * Runs each call on its own virtual thread. A per-call timeout delivers an error and interrupts the thread; a flag
 * per call makes sure exactly one of result and timeout is delivered.
 */
public final class ThreadToolExecutor implements ToolExecutor {
    private final Clock clock;
    private final WallInbox inbox;
    private final long timeoutNanos;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "asynclm-tool-timeouts");
        t.setDaemon(true);
        return t;
    });

    public ThreadToolExecutor(Clock clock, long timeoutNanos) {
        this.clock = clock;
        this.inbox = new WallInbox(clock);
        this.timeoutNanos = timeoutNanos;
    }

    @Override
    public long submit(String id, Tool tool, Map<String, Object> arguments) {
        long start = clock.nanos();
        AtomicBoolean delivered = new AtomicBoolean();
        long ticket = inbox.expect();
        ToolCall call = new ToolCall(id, arguments, TimeUnit.NANOSECONDS::sleep);
        Future<?> running = threads.submit(() -> {
            ToolCall.Result result = call.run(tool);
            if (delivered.compareAndSet(false, true)) {
                inbox.post(ticket, id, result.valueJson(), result.kind(), tool.name(), start);
            }
        });
        if (timeoutNanos > 0) {
            timer.schedule(() -> {
                if (delivered.compareAndSet(false, true)) {
                    running.cancel(true);
                    ToolCall.Result timeout = ToolCall.timedOut(timeoutNanos);
                    inbox.post(ticket, id, timeout.valueJson(), timeout.kind(), tool.name(), start);
                }
            }, timeoutNanos, TimeUnit.NANOSECONDS);
        }
        return ticket;
    }

    @Override
    public Inbox inbox() {
        return inbox;
    }

    @Override
    public void close() {
        threads.shutdownNow();
        timer.shutdownNow();
    }
}
