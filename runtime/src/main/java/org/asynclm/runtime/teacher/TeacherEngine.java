package org.asynclm.runtime.teacher;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;
import org.asynclm.cml.BlockKind;
import org.asynclm.cml.CmlEvent;
import org.asynclm.cml.CmlParser;
import org.asynclm.cml.CmlToken;
import org.asynclm.cml.CmlWriter;
import org.asynclm.runtime.CacheAction;
import org.asynclm.runtime.Engine;
import org.asynclm.runtime.Method;
import org.asynclm.runtime.TokenFilter;
import org.asynclm.runtime.scenario.Scenario;
import org.asynclm.runtime.scenario.ScenarioCall;
import org.asynclm.runtime.tokens.Tokenizer;

/**
 * A perfect model for one scenario: it emits the CML an ideal model would under the method's protocol, and learns
 * results only by reading the interrupts appended to its context, filling dependent calls' arguments from them.
 * Each time it has emitted its plan it decides again: the best ready call (by policy); under Sync-Parallel every
 * ready call and then the end of its message; a trap when it must wait; the final answer when all is done.
 */
public final class TeacherEngine implements Engine {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Scenario scenario;
    private final Policy policy;
    private final Method method;
    private final Tokenizer tokenizer;
    private final LongSupplier clock;
    private final ToLongFunction<ScenarioCall> decodeNanos;
    private final Map<String, Long> issuedAt = new HashMap<>();
    private final ArrayDeque<Integer> plan = new ArrayDeque<>();
    private final Set<String> issued = new HashSet<>();
    private final Map<String, JsonNode> results = new HashMap<>();
    private final Set<String> failed = new HashSet<>();
    private final List<CmlEvent> events = new ArrayList<>();
    private CmlParser reader = new CmlParser();
    private int context;
    private int followUpsRead;

    /**
     * @param clock       the session's time, for policies that weigh waiting against writing
     * @param decodeNanos how long writing each call's block takes
     */
    public TeacherEngine(Scenario scenario, Policy policy, Method method, Tokenizer tokenizer, LongSupplier clock,
                         ToLongFunction<ScenarioCall> decodeNanos) {
        this.scenario = scenario;
        this.policy = policy;
        this.method = method;
        this.tokenizer = tokenizer;
        this.clock = clock;
        this.decodeNanos = decodeNanos;
    }

    @Override
    public void prefill(int[] prompt) {
        plan.clear();
        issued.clear();
        issuedAt.clear();
        results.clear();
        failed.clear();
        followUpsRead = 0;
        reader = new CmlParser();
        context = prompt.length;
    }

    @Override
    public int decode(TokenFilter allowed) {
        if (plan.isEmpty()) {
            planNext();
        }
        int token = plan.poll();
        if (!allowed.allows(token)) {
            throw new IllegalStateException("teacher emitted a token the CML mask forbids: '"
                    + tokenizer.piece(token) + "'");
        }
        context++;
        return token;
    }

    @Override
    public void append(int[] tokens) {
        context += tokens.length;
        Tokenizer.TextDecoder decoder = tokenizer.newDecoder();
        StringBuilder text = new StringBuilder();
        for (int t : tokens) {
            text.append(decoder.next(t));
        }
        events.clear();
        reader.feed(text, events);
        for (CmlEvent e : events) {
            if (e instanceof CmlEvent.Closed c && c.block().kind() == BlockKind.INTERRUPT) {
                if (CmlToken.USER_ID.equals(c.block().id())) {
                    followUpsRead++; // follow-ups arrive in time order
                } else {
                    read(c.block().id(), c.block().body());
                }
            }
        }
    }

    private void read(String id, String value) {
        JsonNode node;
        try {
            node = MAPPER.readTree(value);
        } catch (JsonProcessingException e) {
            failed.add(id);
            return;
        }
        if (CmlWriter.isError(node)) {
            failed.add(id);
        } else {
            results.put(id, node);
        }
    }

    @Override
    public void cache(CacheAction action) {
        // Nothing is cached: the teacher's "context" is its plan and what it has read.
    }

    @Override
    public int contextLength() {
        return context;
    }

    private void planNext() {
        List<ScenarioCall> ready = new ArrayList<>();
        boolean waiting = followUpsRead < scenario.followUps().size();
        Set<String> hidden = new HashSet<>();
        for (int k = followUpsRead; k < scenario.followUps().size(); k++) {
            hidden.addAll(scenario.followUps().get(k).calls());
        }
        for (ScenarioCall c : scenario.calls()) {
            if (hidden.contains(c.id())) {
                continue;
            }
            if (issued.contains(c.id())) {
                waiting |= !results.containsKey(c.id()) && !failed.contains(c.id());
            } else if (c.deps().stream().allMatch(this::answered)) {
                ready.add(c);
            }
        }
        ScenarioCall next = ready.isEmpty() || method == Method.SYNC_PARALLEL ? null
                : policy.next(ready, schedule());
        if (method == Method.SYNC_PARALLEL && !ready.isEmpty()) {
            policy.order(ready).forEach(this::emitCall);
            plan.add(tokenizer.endOfTurnId());
        } else if (next != null) {
            emitCall(next);
        } else if (!ready.isEmpty() && !waiting) {
            emitCall(policy.order(ready).get(0)); // nothing in flight to wait for
        } else if (waiting) {
            emit(CmlWriter.trap());
        } else {
            emit(scenario.finalAnswer());
            plan.add(tokenizer.endOfTurnId());
        }
    }

    /**
     * The call's interrupt has arrived, with a result or an error. A call that depends on a failed one is its retry
     * (a task that scripts the error says so by the dependency), so an error unblocks it like a result.
     */
    private boolean answered(String id) {
        return results.containsKey(id) || failed.contains(id);
    }

    private Policy.Schedule schedule() {
        return new Policy.Schedule() {
            @Override
            public long now() {
                return clock.getAsLong();
            }

            @Override
            public long expectedReady(ScenarioCall call) {
                long at = 0;
                for (String d : call.deps()) {
                    if (answered(d)) {
                        continue;
                    }
                    Long issuedTime = issuedAt.get(d);
                    if (issuedTime == null) {
                        return Long.MAX_VALUE;
                    }
                    at = Math.max(at, issuedTime + scenario.call(d).estimatedNanos());
                }
                return at;
            }

            @Override
            public List<ScenarioCall> unissued() {
                Set<String> hidden = new HashSet<>();
                for (int k = followUpsRead; k < scenario.followUps().size(); k++) {
                    hidden.addAll(scenario.followUps().get(k).calls());
                }
                return scenario.calls().stream()
                        .filter(c -> !issued.contains(c.id()) && !hidden.contains(c.id())).toList();
            }
        };
    }

    private void emitCall(ScenarioCall c) {
        issued.add(c.id());
        issuedAt.put(c.id(), clock.getAsLong() + decodeNanos.applyAsLong(c));
        emit(CmlWriter.call(c.id(), c.function(), Scenario.resolve(c, results)));
    }

    private void emit(String text) {
        for (int t : tokenizer.encode(text)) {
            plan.add(t);
        }
    }
}
