package org.asynclm.runtime.exec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.asynclm.cml.CmlToken;
import org.asynclm.cml.CmlWriter;
import org.asynclm.runtime.clock.Clock;

/**
 * Tool calls that run on a client's side, anywhere: starting one tells the client ({@link CallSink}), and its result
 * comes back when the client {@linkplain #complete completes} it, into the same inbox the runtime's own executors
 * post to, so the interrupt is injected exactly as theirs are. Each call id completes at most once. Once the turn is
 * over ({@link #end}) nothing more is accepted, and what was accepted but never reached the context is named, so
 * that an accepted interrupt is either injected or reported, never lost.
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
        NO_SUCH_CALL,
        /** The turn is over. */
        ENDED
    }

    private record Pending(long ticket, String function, long startedAt) {
    }

    private final Clock clock;
    private final WallInbox inbox;
    private final CallSink sink;
    private final Map<String, Pending> running = new ConcurrentHashMap<>();
    /** The CML of every interrupt accepted, in order; guarded by this. */
    private final List<String> accepted = new ArrayList<>();
    private boolean ended;

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
    public synchronized Delivery complete(String id, String value, boolean error) {
        if (ended) {
            return Delivery.ENDED;
        }
        Pending p = id == null ? null : running.remove(id);
        if (p == null) {
            return Delivery.NO_SUCH_CALL;
        }
        String json = error ? CmlWriter.errorJson(value) : value;
        inbox.post(p.ticket(), id, json, error ? Interrupt.Kind.ERROR : Interrupt.Kind.RESULT, p.function(),
                p.startedAt());
        accepted.add(CmlWriter.interrupt(id, json));
        return Delivery.DELIVERED;
    }

    /** A user's message, injected at the next boundary; false when the turn is over. */
    public synchronized boolean postUser(String text) {
        if (ended) {
            return false;
        }
        inbox.postUser(text, clock.nanos());
        accepted.add(CmlWriter.interrupt(CmlToken.USER_ID, CmlWriter.json(text)));
        return true;
    }

    /**
     * Ends the turn whose context is {@code transcript}: nothing more is accepted, and the interrupts that were
     * accepted but are not in it (they came after the last boundary the model reached) are returned, as CML.
     */
    public synchronized List<String> end(String transcript) {
        ended = true;
        List<String> missing = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (String cml : accepted) {
            int k = seen.merge(cml, 1, Integer::sum);
            if (occurrences(transcript, cml) < k) {
                missing.add(cml);
            }
        }
        return missing;
    }

    private static int occurrences(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + part.length())) {
            n++;
        }
        return n;
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
