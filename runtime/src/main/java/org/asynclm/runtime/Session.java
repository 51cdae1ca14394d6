package org.asynclm.runtime;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.asynclm.cml.Block;
import org.asynclm.cml.BlockKind;
import org.asynclm.cml.CmlEvent;
import org.asynclm.cml.CmlToken;
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
    private final Set<String> usedIds = new HashSet<>();
    private final List<LiveCall> calls = new ArrayList<>();
    private final List<LiveCall> bundle = new ArrayList<>();
    private final List<Segment> segments = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();
    private final StringBuilder modelText = new StringBuilder();
    private int modelTokens;
    private Listener listener = Listener.NONE;

    private long t0;
    private long lastTokenAt;
    private InterruptManager interrupts;
    private long blockOpenedAt;
    private long decodeNanos;
    private long idleNanos;
    private long prefillTokens;
    private int generated;
    private int injected;
    private int traps;
    /** Blocks refused since the last one the runtime accepted: the runaway guard. */
    private int refusedInRow;

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
        this.monitor = new TokenMonitor(tokenizer, config.values());
    }

    /** Sees the turn's text as it is made, for a terminal that streams it; called on the session's thread. */
    public interface Listener {
        Listener NONE = new Listener() {
        };

        /** Text of a token the model generated. */
        default void modelText(String text) {
        }

        /** An interrupt as it enters the context, in CML. */
        default void injected(String cml) {
        }
    }

    /**
     * The user's request, which {@link ArgumentValues#COPIED} lets call values be copied from (with the interrupts);
     * set before {@link #run}.
     */
    public Session copyFrom(String request) {
        monitor.copyFrom(request);
        return this;
    }

    /** Streams the turn to {@code listener}; set before {@link #run}. */
    public Session listen(Listener listener) {
        this.listener = listener;
        return this;
    }

    /** Runs the turn to its end. Interrupting the calling thread cancels a wait. */
    public Outcome run(int[] prompt) {
        long p0 = clock.nanos();
        engine.prefill(prompt);
        clock.spend(config.cost().prefill(prompt.length));
        t0 = clock.nanos();
        interrupts = new InterruptManager(inbox, clock, timeline, t0);
        timeline.prefill(p0 - t0, 0, prompt.length);
        EndState end;
        while (true) {
            if (!monitor.inCriticalSection()) {
                interrupts.pull();
                injectQueued();
            }
            if (generated >= config.maxTokens()) {
                end = EndState.MAX_TOKENS;
                errors.add("generation stopped at the limit of " + config.maxTokens() + " tokens");
                break;
            }
            if (engine.contextLength() >= engine.maxContext()) {
                end = EndState.MAX_TOKENS;
                errors.add("generation stopped: the context reached the model's " + engine.maxContext() + " tokens");
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
            String piece = monitor.accept(token, events);
            modelText.append(piece);
            listener.modelText(piece);
            modelTokens++;
            for (CmlEvent e : events) {
                if (e instanceof CmlEvent.Closed) {
                    flushModelText();
                }
                handle(e, tokenStart);
            }
            if (refusedInRow >= config.runawayLimit()) {
                end = EndState.RUNAWAY;
                errors.add("runaway: " + refusedInRow + " blocks in a row were refused; the turn was ended");
                break;
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
        refusedInRow = 0;
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
        interrupts.pull();
        if (!interrupts.hasQueued() && bundle.isEmpty() && interrupts.outstanding() == 0) {
            queueError(CmlToken.RUNTIME_ID, "trap with no call in flight: there is nothing to wait for");
            return;
        }
        refusedInRow = 0;
        if (interrupts.hasQueued()) {
            return; // something already arrived: it is injected at this boundary
        }
        if (!bundle.isEmpty()) {
            runBundle();
            return;
        }
        int context = engine.contextLength();
        CacheAction action = trapHandler.choose(context, interrupts.estimatedWait(rel(clock.nanos())));
        engine.cache(action);
        long start = clock.nanos();
        interrupts.awaitArrival();
        long end = clock.nanos();
        idleNanos += end - start;
        timeline.waiting(rel(start), rel(end), "trap, cache " + action.name().toLowerCase());
        long resume = trapHandler.resumeNanos(action, context);
        if (resume > 0) {
            clock.spend(resume);
            timeline.prefill(rel(end), rel(clock.nanos()), context);
        }
        interrupts.pull();
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
        interrupts.track(executor.submit(c.id, c.tool, c.arguments), c);
    }

    private void awaitCalls(List<LiveCall> targets, String reason) {
        long start = clock.nanos();
        interrupts.pull();
        while (targets.stream().anyMatch(c -> c.arrivedAt < 0)) {
            if (!interrupts.awaitArrival()) {
                break;
            }
            interrupts.pull();
        }
        long end = clock.nanos();
        idleNanos += end - start;
        if (end > start) {
            timeline.waiting(rel(start), rel(end), reason);
        }
    }

    private void queueError(String id, String message) {
        refusedInRow++;
        errors.add(message);
        interrupts.error(id, message);
    }

    private void injectQueued() {
        if (!interrupts.hasQueued()) {
            return;
        }
        flushModelText();
        long start = clock.nanos();
        StringBuilder text = new StringBuilder();
        int[] tokens = new int[0];
        for (Interrupt i : interrupts.take(rel(start))) {
            String cml = i.cml();
            text.append(cml);
            int[] own = tokenizer.encode(cml);
            tokens = concat(tokens, own);
            segments.add(new Segment(Segment.Kind.INTERRUPT, cml, own.length));
            listener.injected(cml);
            timeline.interrupt(rel(start), i.id(), i.kind().name().toLowerCase());
            injected++;
        }
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

    private void flushModelText() {
        if (modelTokens > 0) {
            segments.add(new Segment(Segment.Kind.MODEL, modelText.toString(), modelTokens));
            modelText.setLength(0);
            modelTokens = 0;
        }
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
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
            records.add(c.record());
        }
        if (unfinished > 0) {
            errors.add(unfinished + " call(s) still running when the turn ended");
        }
        return new Outcome(config.method(), end, generated == 0 ? 0 : rel(lastTokenAt), interrupts.lastResult(),
                decodeNanos, idleNanos, prefillTokens, injected, traps, generated, unfinished, List.copyOf(records),
                List.copyOf(segments), List.copyOf(errors));
    }

}
