package org.asynclm.runtime.exec;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.asynclm.cml.CmlWriter;
import org.asynclm.runtime.clock.Clock;

/**
 * Tool calls that run on a client's side, anywhere: starting one tells the client ({@link CallSink}), and its result
 * comes back when the client {@linkplain #complete completes} it, into the same inbox the runtime's own executors
 * post to, so the interrupt is injected exactly as theirs are. Each call id completes at most once.
 */
public final class ClientToolExecutor implements ToolExecutor {

    /** Hears of each call as the model finishes writing it. */
    @FunctionalInterface
    public interface CallSink {
        void called(String id, String function, Map<String, Object> arguments);
    }

    /** What became of a result the client sent. */
    public enum Delivery {
        /** It will be injected at the next token boundary outside a block. */
        DELIVERED,
        /** No running call has that id: never called, or already completed. */
        NO_SUCH_CALL
    }

    private record Pending(long ticket, String function, long startedAt) {
    }

    private final Clock clock;
    private final WallInbox inbox;
    private final CallSink sink;
    private final Map<String, Pending> running = new ConcurrentHashMap<>();

    public ClientToolExecutor(Clock clock, CallSink sink) {
        this.clock = clock;
        this.inbox = new WallInbox(clock);
        this.sink = sink;
    }

    @Override
    public long submit(String id, Tool tool, Map<String, Object> arguments) {
        long start = clock.nanos();
        long ticket = inbox.expect();
        if (id == null) { // no result is wanted: the call is done as far as the model is concerned
            inbox.post(ticket, null, "null", Interrupt.Kind.RESULT, tool.name(), start);
        } else {
            running.put(id, new Pending(ticket, tool.name(), start));
        }
        sink.called(id, tool.name(), arguments);
        return ticket;
    }

    /** The client's result for call {@code id}: a JSON value, or with {@code error} the text of an error. */
    public Delivery complete(String id, String value, boolean error) {
        Pending p = id == null ? null : running.remove(id);
        if (p == null) {
            return Delivery.NO_SUCH_CALL;
        }
        inbox.post(p.ticket(), id, error ? CmlWriter.errorJson(value) : value,
                error ? Interrupt.Kind.ERROR : Interrupt.Kind.RESULT, p.function(), p.startedAt());
        return Delivery.DELIVERED;
    }

    @Override
    public Inbox inbox() {
        return inbox;
    }

    @Override
    public void close() {
        running.clear();
    }
}
