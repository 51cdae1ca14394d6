package org.asynclm.runtime;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.asynclm.cml.Block;
import org.asynclm.cml.BlockKind;
import org.asynclm.cml.CmlEvent;
import org.asynclm.cml.CmlToken;
import org.asynclm.cml.CmlWriter;
import org.asynclm.cml.PyCall;
import org.asynclm.cml.PySyntaxException;
import org.asynclm.runtime.clock.Clock;
import org.asynclm.runtime.exec.Inbox;
import org.asynclm.runtime.exec.Interrupt;
import org.asynclm.runtime.exec.Tool;
import org.asynclm.runtime.exec.ToolExecutor;
import org.asynclm.runtime.timeline.Timeline;
import org.asynclm.runtime.tokens.Tokenizer;

/**
 * One assistant turn in the async runtime. The loop: at every token boundary outside a control block, inject every
 * arrived interrupt in arrival order; decode one token under the CML mask; act on the block it completed (start a
 * call, trap, or report an error interrupt). The method decides only what a completed call does to generation.
 *
 * <p>Times are charged to the clock through the {@link CostModel}: a generated token costs TPOT, the end-of-turn
 * token costs nothing (its step is where the message ends), appended tokens cost prefill.
 */
public final class Session {
    private final Engine engine;
    private final Tokenizer tokenizer;
    private final Clock clock;
    private final ToolExecutor executor;
    private final Inbox inbox;
    private final Map<String, Tool> tools;
    private final SessionConfig config;
    private final Timeline timeline;
    private final TrapHandler trapHandler;
    private final TokenMonitor monitor;

    private final List<CmlEvent> events = new ArrayList<>();
    private final ArrayDeque<Interrupt> queued = new ArrayDeque<>();
    private final Set<String> usedIds = new HashSet<>();
    private final List<LiveCall> calls = new ArrayList<>();
    private final Map<Long, LiveCall> byTicket = new HashMap<>();
    private final List<LiveCall> bundle = new ArrayList<>();
    private final List<Segment> segments = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();
    private final StringBuilder modelText = new StringBuilder();
    private int modelTokens;

    private long t0;
    private long lastTokenAt;
    private long lastResultAt;
    private long blockOpenedAt;
    private long decodeNanos;
    private long idleNanos;
    private long prefillTokens;
    private int generated;
    private int interrupts;
    private int traps;

    public Session(Engine engine, Tokenizer tokenizer, Clock clock, ToolExecutor executor, Map<String, Tool> tools,
                   SessionConfig config, Timeline timeline) {
        this.engine = engine;
        this.tokenizer = tokenizer;
        this.clock = clock;
        this.executor = executor;
        this.inbox = executor.inbox();
        this.tools = Map.copyOf(tools);
        this.config = config;
        this.timeline = timeline == null ? Timeline.NONE : timeline;
        this.trapHandler = new TrapHandler(config.cacheCosts());
        this.monitor = new TokenMonitor(tokenizer);
    }

    /** Runs the turn to its end. Interrupting the calling thread cancels a wait. */
    public Outcome run(int[] prompt) {
        long p0 = clock.nanos();
        engine.prefill(prompt);
        clock.spend(config.cost().prefill(prompt.length));
        t0 = clock.nanos();
        timeline.prefill(p0 - t0, 0, prompt.length);
        EndState end;
        while (true) {
            if (!monitor.inCriticalSection()) {
                pullArrivals();
                injectQueued();
            }
            if (generated >= config.maxTokens()) {
                end = EndState.MAX_TOKENS;
                errors.add("generation stopped at the limit of " + config.maxTokens() + " tokens");
                break;
            }
            long tokenStart = clock.nanos();
            int token = engine.decode(monitor);
            if (monitor.isEndOfTurn(token)) {
                if (monitor.inBlock()) {
                    end = EndState.EOS_IN_BLOCK;
                    errors.add("the model ended its turn inside an unterminated control block");
                    break;
                }
                if (!bundle.isEmpty()) {
                    runBundle(); // Sync-Parallel: the message of calls is complete
                    continue;
                }
                end = EndState.DONE;
                break;
            }
            clock.spend(config.cost().tpotNanos());
            long now = clock.nanos();
            generated++;
            decodeNanos += now - tokenStart;
            lastTokenAt = now;
            timeline.decode(rel(tokenStart), rel(now));
            events.clear();
            modelText.append(monitor.accept(token, events));
            modelTokens++;
            for (CmlEvent e : events) {
                if (e instanceof CmlEvent.Closed) {
                    flushModelText();
                }
                handle(e, tokenStart);
            }
        }
        flushModelText();
        return outcome(end);
    }

    private void handle(CmlEvent e, long tokenStart) {
        switch (e) {
            case CmlEvent.Opened o -> blockOpenedAt = rel(tokenStart);
            case CmlEvent.Closed c -> {
                Block b = c.block();
                if (b.kind() == BlockKind.CALL) {
                    onCall(b);
                } else if (b.kind() == BlockKind.TRAP) {
                    onTrap();
                } else {
                    queueError(CmlToken.RUNTIME_ID, "the model may not write [INTR]: interrupts come from the runtime");
                }
            }
            case CmlEvent.Violation v -> queueError(CmlToken.RUNTIME_ID,
                    "CML violation at character " + v.offset() + ": " + v.message());
            case CmlEvent.Text t -> {
            }
        }
    }

    private void onCall(Block b) {
        String id = b.id();
        if (id != null && !usedIds.add(id)) {
            queueError(CmlToken.RUNTIME_ID, "duplicate call id '" + id + "': the call was not run");
            return;
        }
        String errorId = id == null ? CmlToken.RUNTIME_ID : id;
        PyCall call;
        try {
            call = PyCall.parseCallBody(b.body());
        } catch (PySyntaxException ex) {
            queueError(errorId, "malformed call body: " + ex.getMessage());
            return;
        }
        Tool tool = tools.get(call.function());
        if (tool == null) {
            queueError(errorId, "unknown function '" + call.function() + "'");
            return;
        }
        LiveCall live = new LiveCall(id, tool, call.keywords(), b.body(), blockOpenedAt, rel(clock.nanos()));
        calls.add(live);
        switch (config.method()) {
            case SYNC -> {
                dispatch(live);
                awaitCalls(List.of(live), "sync");
            }
            case SYNC_PARALLEL -> bundle.add(live);
            case ASYNC, ASYNC_NAIVE -> dispatch(live);
        }
    }

    private void onTrap() {
        traps++;
        timeline.trap(rel(clock.nanos()));
        pullArrivals();
        if (!queued.isEmpty()) {
            return; // something already arrived: it is injected at this boundary
        }
        if (!bundle.isEmpty()) {
            runBundle();
            return;
        }
        if (inbox.outstanding() == 0) {
            queueError(CmlToken.RUNTIME_ID, "trap with no call in flight: there is nothing to wait for");
            return;
        }
        int context = engine.contextLength();
        CacheAction action = trapHandler.choose(context, estimatedWait());
        engine.cache(action);
        long start = clock.nanos();
        awaitArrival();
        long end = clock.nanos();
        idleNanos += end - start;
        timeline.waiting(rel(start), rel(end), "trap, cache " + action.name().toLowerCase());
        long resume = trapHandler.resumeNanos(action, context);
        if (resume > 0) {
            clock.spend(resume);
            timeline.prefill(rel(end), rel(clock.nanos()), context);
        }
        pullArrivals();
    }

    private void runBundle() {
        for (LiveCall c : bundle) {
            dispatch(c);
        }
        awaitCalls(List.copyOf(bundle), "sync-parallel");
        bundle.clear();
    }

    private void dispatch(LiveCall c) {
        c.startedAt = rel(clock.nanos());
        long ticket = executor.submit(c.id, c.tool, c.arguments);
        byTicket.put(ticket, c);
    }

    private void awaitCalls(List<LiveCall> targets, String reason) {
        long start = clock.nanos();
        pullArrivals();
        while (targets.stream().anyMatch(c -> c.arrivedAt < 0)) {
            if (!awaitArrival()) {
                break;
            }
            pullArrivals();
        }
        long end = clock.nanos();
        idleNanos += end - start;
        if (end > start) {
            timeline.waiting(rel(start), rel(end), reason);
        }
    }

    private boolean awaitArrival() {
        try {
            return inbox.awaitArrival();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.util.concurrent.CancellationException("session cancelled while waiting for a tool");
        }
    }

    private void pullArrivals() {
        for (Interrupt i : inbox.drainReady()) {
            LiveCall c = byTicket.get(i.seq());
            if (c != null) {
                c.arrivedAt = rel(i.arrivedAt());
                c.error = i.kind() == Interrupt.Kind.ERROR;
                lastResultAt = Math.max(lastResultAt, c.arrivedAt);
                timeline.call(c.id, c.tool.name(), c.startedAt, c.arrivedAt, c.error);
            }
            if (i.injectable()) {
                queued.add(i);
            }
        }
    }

    private void queueError(String id, String message) {
        pullArrivals(); // anything that arrived before this error is injected before it
        long now = clock.nanos();
        errors.add(message);
        queued.add(new Interrupt(id, CmlWriter.errorJson(message), Interrupt.Kind.ERROR, null, -1, now, now));
    }

    private void injectQueued() {
        if (queued.isEmpty()) {
            return;
        }
        flushModelText();
        long start = clock.nanos();
        StringBuilder text = new StringBuilder();
        int[] tokens = new int[0];
        for (Interrupt i : queued) {
            String cml = i.cml();
            text.append(cml);
            int[] own = tokenizer.encode(cml);
            tokens = concat(tokens, own);
            segments.add(new Segment(Segment.Kind.INTERRUPT, cml, own.length));
            timeline.interrupt(rel(start), i.id(), i.kind().name().toLowerCase());
            LiveCall c = byTicket.get(i.seq());
            if (c != null) {
                c.injectedAt = rel(start);
            }
            interrupts++;
        }
        queued.clear();
        if (config.method() == Method.ASYNC_NAIVE) {
            engine.cache(CacheAction.DROP);
            engine.append(tokens);
            int context = engine.contextLength();
            prefillTokens += context;
            clock.spend(config.cost().prefill(context));
        } else {
            engine.append(tokens);
            prefillTokens += tokens.length;
            clock.spend(config.cost().prefill(tokens.length));
        }
        if (config.cost().restarts(config.method())) {
            clock.spend(config.cost().ttftNanos());
        }
        long end = clock.nanos();
        if (end > start) {
            timeline.prefill(rel(start), rel(end), tokens.length);
        }
        events.clear();
        monitor.acceptInjected(text.toString(), events);
    }

    private long estimatedWait() {
        long now = rel(clock.nanos());
        long best = Long.MAX_VALUE;
        for (LiveCall c : byTicket.values()) {
            long estimate = c.tool.estimatedNanos();
            if (c.arrivedAt < 0 && estimate >= 0) {
                best = Math.min(best, Math.max(0, c.startedAt + estimate - now));
            }
        }
        return best == Long.MAX_VALUE ? 0 : best;
    }

    private void flushModelText() {
        if (modelTokens > 0) {
            segments.add(new Segment(Segment.Kind.MODEL, modelText.toString(), modelTokens));
            modelText.setLength(0);
            modelTokens = 0;
        }
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private long rel(long t) {
        return t - t0;
    }

    private Outcome outcome(EndState end) {
        List<CallRecord> records = new ArrayList<>(calls.size());
        int unfinished = 0;
        for (LiveCall c : calls) {
            if (c.arrivedAt < 0) {
                unfinished++;
            }
            records.add(new CallRecord(c.id, c.tool.name(), c.body, c.blockStart, c.blockEnd, c.startedAt,
                    c.arrivedAt, c.injectedAt, c.error));
        }
        if (unfinished > 0) {
            errors.add(unfinished + " call(s) still running when the turn ended");
        }
        return new Outcome(config.method(), end, generated == 0 ? 0 : rel(lastTokenAt), lastResultAt, decodeNanos,
                idleNanos, prefillTokens, interrupts, traps, generated, unfinished, List.copyOf(records),
                List.copyOf(segments), List.copyOf(errors));
    }

    /** A call from the moment its block closed. Times relative to the start of decoding; -1 until they happen. */
    private static final class LiveCall {
        final String id;
        final Tool tool;
        final Map<String, Object> arguments;
        final String body;
        final long blockStart;
        final long blockEnd;
        long startedAt = -1;
        long arrivedAt = -1;
        long injectedAt = -1;
        boolean error;

        LiveCall(String id, Tool tool, Map<String, Object> arguments, String body, long blockStart, long blockEnd) {
            this.id = id;
            this.tool = tool;
            this.arguments = arguments;
            this.body = body;
            this.blockStart = blockStart;
            this.blockEnd = blockEnd;
        }
    }
}
