package org.asynclm.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.asynclm.cml.CmlWriter;
import org.asynclm.model.llama.Llama;
import org.asynclm.model.llama.LlamaEngine;
import org.asynclm.model.llama.Sampler;
import org.asynclm.runtime.CacheCosts;
import org.asynclm.runtime.CostModel;
import org.asynclm.runtime.Method;
import org.asynclm.runtime.Outcome;
import org.asynclm.runtime.Session;
import org.asynclm.runtime.SessionConfig;
import org.asynclm.runtime.clock.WallClock;
import org.asynclm.runtime.exec.ClientToolExecutor;
import org.asynclm.runtime.exec.Invocation;
import org.asynclm.runtime.exec.Tool;
import org.asynclm.runtime.timeline.ChromeTrace;
import org.asynclm.runtime.timeline.TimelineRecorder;

/**
 * The asynchronous session API: a turn of the model in the real runtime, its tools on the client's side.
 * {@code POST /v1/async/sessions} starts the turn and streams its events (server-sent): the session's id, the
 * model's text token by token, each call as the model finishes writing it, each interrupt as it enters the context,
 * and the end. {@code POST /v1/async/sessions/{id}/interrupts} delivers a call's result (or error) or a user's
 * message while the model writes; the runtime appends it to the live KV cache at the next token boundary outside a
 * block, exactly as in process (Async), and a trap waits for it. An interrupt answered 202 either enters the context
 * or, if it came after the last boundary the turn reached, is named in the end event's {@code undelivered}.
 */
final class AsyncSessions {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int REMEMBERED_ENDED = 1000;
    private static final int REMEMBERED_TIMELINES = 100;

    private final Llama llama;
    private final Map<String, ClientToolExecutor> live = new ConcurrentHashMap<>();
    /** Ids of sessions that ended, the newest kept, so that a late interrupt is told so rather than "unknown". */
    private final Set<String> ended = Collections.synchronizedSet(Collections.newSetFromMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED_ENDED;
        }
    }));

    /** The timelines of the newest ended sessions, for {@code GET .../timeline}. */
    private final Map<String, TimelineRecorder> timelines = Collections.synchronizedMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, TimelineRecorder> eldest) {
            return size() > REMEMBERED_TIMELINES;
        }
    });

    AsyncSessions(Llama llama) {
        this.llama = llama;
    }

    /** Sessions running now. */
    int live() {
        return live.size();
    }

    /** Thrown from the session's listener when the client has gone: it ends the turn. */
    private static final class ClientGone extends RuntimeException {
        ClientGone() {
            super(null, null, false, false);
        }
    }

    /** Runs one session on the calling thread (which holds the decode), streaming its events to the client. */
    void run(Context ctx, CompletionRequest r, Map<String, Tool> tools) {
        String id = "as-" + UUID.randomUUID().toString().replace("-", "");
        EventStream out = EventStream.open(ctx);
        if (out == null) {
            return; // the client is already gone
        }
        WallClock clock = new WallClock(false);
        ClientToolExecutor executor = new ClientToolExecutor(clock, (callId, function, arguments) -> {
            ObjectNode e = event("call").put("id", callId).put("function", function);
            e.set("arguments", JSON.valueToTree(arguments));
            send(out, e);
        });
        live.put(id, executor);
        TimelineRecorder timeline = new TimelineRecorder();
        try (executor; LlamaEngine engine = new LlamaEngine(llama, r.temperature() == 0 ? Sampler.greedy()
                : new Sampler(r.temperature(), r.topP(), r.seed()))) {
            send(out, event("session").put("id", id));
            Session s = new Session(engine, llama.tokenizer(), clock, executor, tools,
                    new SessionConfig(Method.ASYNC, CostModel.local(0, 0), CacheCosts.SINGLE_USER, r.maxTokens()),
                    timeline).listen(new Session.Listener() {
                        @Override
                        public void modelText(String text) {
                            send(out, event("text").put("text", text));
                        }

                        @Override
                        public void injected(String cml) {
                            send(out, event("interrupt").put("cml", cml));
                        }
                    });
            Outcome o = s.run(llama.tokenizer().encode(r.prompt()));
            // from here every post is refused, and what was accepted too late to enter the context is named
            List<String> undelivered = executor.end(o.transcript());
            ObjectNode end = event("end").put("end_state", o.endState().name().toLowerCase(Locale.ROOT))
                    .put("tokens", o.generatedTokens()).put("interrupts", o.interrupts())
                    .put("unfinished_calls", o.unfinishedCalls()).put("transcript", o.transcript());
            o.errors().forEach(end.putArray("errors")::add);
            undelivered.forEach(end.putArray("undelivered")::add);
            send(out, end);
            out.done();
        } catch (ClientGone gone) {
            // the turn ends with its client; the decode slot frees as this returns
        } finally {
            executor.end(""); // a turn that ended with its client accepts nothing more either
            timelines.put(id, timeline);
            live.remove(id);
            ended.add(id);
        }
    }

    /** {@code GET .../timeline}: an ended session as Chrome trace events, for Perfetto. */
    void timeline(Context ctx, String id) throws BadRequest {
        if (live.containsKey(id)) {
            throw new BadRequest(409, "session_running", "session " + id + " is still running");
        }
        TimelineRecorder t = timelines.get(id);
        if (t == null) {
            throw new BadRequest(404, "not_found_error", "no timeline for session " + id
                    + " (the newest " + REMEMBERED_TIMELINES + " ended sessions keep theirs)");
        }
        ctx.status(200).contentType("application/json").result(ChromeTrace.json(Map.of("session " + id, t)));
    }

    /** {@code POST .../interrupts}: a call's {@code result} or {@code error} by {@code call_id}, or a {@code user} message. */
    void interrupt(Context ctx, String id) throws BadRequest {
        JsonNode body = CompletionRequest.parse(ctx.body());
        ClientToolExecutor session = live.get(id);
        if (session == null) {
            throw ended.contains(id) ? ended(id) : new BadRequest(404, "not_found_error", "no session " + id);
        }
        if (body.hasNonNull("user")) {
            if (!session.postUser(body.get("user").asText())) {
                throw ended(id);
            }
        } else if (body.hasNonNull("call_id") && (body.has("result") || body.hasNonNull("error"))) {
            String call = body.get("call_id").asText();
            boolean error = body.hasNonNull("error");
            String value = error ? body.get("error").asText() : CmlWriter.json(JSON.convertValue(body.get("result"),
                    Object.class));
            switch (session.complete(call, value, error)) {
                case NO_SUCH_CALL -> throw new BadRequest(409, "no_such_call", "session " + id
                        + " has no running call '" + call + "'");
                case ENDED -> throw ended(id);
                case DELIVERED -> {
                }
            }
        } else {
            throw BadRequest.invalid("give {\"call_id\": ID, \"result\": VALUE}, {\"call_id\": ID, \"error\": TEXT} "
                    + "or {\"user\": TEXT}");
        }
        ctx.status(202).contentType("application/json").result("{\"status\":\"accepted\"}");
    }

    private static BadRequest ended(String id) {
        return new BadRequest(409, "session_ended", "session " + id + " has ended");
    }

    /** The functions the client offers, by name; their code runs on the client, never here. */
    static Map<String, Tool> tools(JsonNode list) throws BadRequest {
        Map<String, Tool> out = new LinkedHashMap<>();
        if (list == null || list.isNull()) {
            return out;
        }
        if (!list.isArray()) {
            throw BadRequest.invalid("tools: a list of {\"name\": ..., \"parameters\": ...}");
        }
        for (JsonNode t : list) {
            String name = t.path("name").asText("");
            if (name.isBlank()) {
                throw BadRequest.invalid("tools[" + out.size() + "]: needs a name");
            }
            ObjectNode schema = t.isObject() ? ((ObjectNode) t).deepCopy() : JsonNodeFactory.instance.objectNode();
            out.put(name, new Tool() {
                @Override
                public String name() {
                    return name;
                }

                @Override
                public ObjectNode schema() {
                    return schema;
                }

                @Override
                public Object invoke(Invocation invocation) {
                    throw new IllegalStateException(name + " runs on the client");
                }
            });
        }
        return out;
    }

    private static ObjectNode event(String type) {
        return JSON.createObjectNode().put("type", type);
    }

    /** Every event is sent from the session's own thread (calls too: the runtime submits them there). */
    private static void send(EventStream out, ObjectNode event) {
        if (!out.send(event)) {
            throw new ClientGone();
        }
    }
}
