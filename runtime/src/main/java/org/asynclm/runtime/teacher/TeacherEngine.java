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
import org.asynclm.cml.BlockKind;
import org.asynclm.cml.CmlEvent;
import org.asynclm.cml.CmlParser;
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
    private final ArrayDeque<Integer> plan = new ArrayDeque<>();
    private final Set<String> issued = new HashSet<>();
    private final Map<String, JsonNode> results = new HashMap<>();
    private final Set<String> failed = new HashSet<>();
    private final List<CmlEvent> events = new ArrayList<>();
    private CmlParser reader = new CmlParser();
    private int context;

    public TeacherEngine(Scenario scenario, Policy policy, Method method, Tokenizer tokenizer) {
        this.scenario = scenario;
        this.policy = policy;
        this.method = method;
        this.tokenizer = tokenizer;
    }

    @Override
    public void prefill(int[] prompt) {
        plan.clear();
        issued.clear();
        results.clear();
        failed.clear();
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
                read(c.block().id(), c.block().body());
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
        if (node.isObject() && node.size() == 1 && node.has("error")) {
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
        boolean waiting = false;
        for (ScenarioCall c : scenario.calls()) {
            if (issued.contains(c.id())) {
                waiting |= !results.containsKey(c.id()) && !failed.contains(c.id());
            } else if (results.keySet().containsAll(c.deps())) {
                ready.add(c);
            }
        }
        if (!ready.isEmpty()) {
            List<ScenarioCall> ordered = policy.order(ready);
            if (method == Method.SYNC_PARALLEL) {
                ordered.forEach(this::emitCall);
                plan.add(tokenizer.endOfTurnId());
            } else {
                emitCall(ordered.get(0));
            }
        } else if (waiting) {
            emit(CmlWriter.trap());
        } else {
            emit(scenario.finalAnswer());
            plan.add(tokenizer.endOfTurnId());
        }
    }

    private void emitCall(ScenarioCall c) {
        issued.add(c.id());
        emit(CmlWriter.call(c.id(), c.function(), Scenario.resolve(c, results)));
    }

    private void emit(String text) {
        for (int t : tokenizer.encode(text)) {
            plan.add(t);
        }
    }
}
