package org.asynclm.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.asynclm.model.llama.Llama;
import org.asynclm.runtime.prompt.ChatPrompt;

/**
 * An OpenAI-compatible server over the local Llama: {@code GET /v1/models}, {@code POST /v1/completions} and
 * {@code POST /v1/chat/completions} streamed (server-sent events in the layout vLLM uses) or not, and
 * {@code /health} and {@code /ready}; and the asynchronous session API ({@link AsyncSessions}). One decode runs at a
 * time; up to {@code queue} requests wait for it in arrival order, and one more is refused with 503. A client that
 * goes away mid-stream stops its decode at the next token, which frees the slot.
 *
 * <p>Javalin (on Jetty 12) is the HTTP layer: small, maintained, plain handlers with the servlet response under them,
 * so a stream is written and flushed token by token with nothing in between.
 */
public final class ModelServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Llama llama;
    private final String modelName;
    private final ServeConfig config;
    private final Semaphore decoding = new Semaphore(1, true);
    private final AtomicInteger admitted = new AtomicInteger();
    private final AtomicInteger abandoned = new AtomicInteger();
    private final AsyncSessions sessions;
    private final Javalin app;

    private ModelServer(Llama llama, String modelName, ServeConfig config) {
        this.llama = llama;
        this.modelName = modelName;
        this.config = config;
        this.sessions = new AsyncSessions(llama);
        this.app = Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            c.startup.showOldJavalinVersionWarning = false;
            c.jetty.host = config.host();
            c.jetty.port = config.port();
            c.routes.get("/health", ctx -> json(ctx, 200, JSON.createObjectNode().put("status", "ok")));
            c.routes.get("/ready", ctx -> json(ctx, 200, JSON.createObjectNode().put("status", "ready")
                    .put("model", modelName)));
            c.routes.before("/v1/*", this::authorize);
            c.routes.get("/v1/models", this::models);
            c.routes.post("/v1/completions", this::completions);
            c.routes.post("/v1/chat/completions", this::chatCompletions);
            c.routes.post("/v1/async/sessions", this::startSession);
            c.routes.post("/v1/async/sessions/{id}/interrupts", ctx -> sessions.interrupt(ctx, ctx.pathParam("id")));
            c.routes.get("/v1/async/sessions/{id}/timeline", ctx -> sessions.timeline(ctx, ctx.pathParam("id")));
            c.routes.exception(BadRequest.class, (e, ctx) -> error(ctx, e.status(), e.type(), e.getMessage()));
        });
    }

    /** Starts serving {@code llama} as {@code modelName}; returns once the port is bound. */
    public static ModelServer start(Llama llama, String modelName, ServeConfig config) {
        ModelServer s = new ModelServer(llama, modelName, config);
        s.app.start();
        return s;
    }

    /** Asynchronous sessions running now. */
    int liveSessions() {
        return sessions.live();
    }

    /** Decodes stopped early because their client went away. */
    int abandoned() {
        return abandoned.get();
    }

    /** The port it listens on (the one chosen when the config said 0). */
    public int port() {
        return app.port();
    }

    private void authorize(Context ctx) throws BadRequest {
        if (config.bearerToken() == null) {
            return;
        }
        String given = ctx.header("Authorization");
        byte[] want = ("Bearer " + config.bearerToken()).getBytes(StandardCharsets.UTF_8);
        if (given == null || !MessageDigest.isEqual(want, given.getBytes(StandardCharsets.UTF_8))) {
            throw new BadRequest(401, "authentication_error", "a bearer token is required (Authorization: Bearer ...)");
        }
    }

    private void models(Context ctx) {
        ObjectNode list = JSON.createObjectNode().put("object", "list");
        list.putArray("data").addObject().put("id", modelName).put("object", "model").put("owned_by", "asynclm")
                .put("max_model_len", llama.config().maxPositions());
        json(ctx, 200, list);
    }

    private void completions(Context ctx) throws BadRequest, InterruptedException {
        JsonNode body = CompletionRequest.parse(ctx.body());
        JsonNode prompt = body.get("prompt");
        if (prompt == null || !prompt.isTextual()) {
            throw BadRequest.invalid("prompt: required, one string");
        }
        serve(ctx, Reply.COMPLETION, CompletionRequest.of(body, prompt.asText(), config.maxTokens()));
    }

    /** The conversation rendered in Llama 3's chat layout (ChatPrompt), then completed as the assistant's turn. */
    private void chatCompletions(Context ctx) throws BadRequest, InterruptedException {
        JsonNode body = CompletionRequest.parse(ctx.body());
        serve(ctx, Reply.CHAT, CompletionRequest.of(body, ChatPrompt.render(turns(body.get("messages"))),
                config.maxTokens()));
    }

    private static List<ChatPrompt.Turn> turns(JsonNode messages) throws BadRequest {
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw BadRequest.invalid("messages: required, a non-empty list");
        }
        List<ChatPrompt.Turn> turns = new ArrayList<>();
        for (JsonNode m : messages) {
            String role = m.path("role").asText("");
            if (!ROLES.contains(role) || !m.path("content").isTextual()) {
                throw BadRequest.invalid("messages[" + turns.size() + "]: needs a role (" + String.join(", ", ROLES)
                        + ") and text content");
            }
            turns.add(new ChatPrompt.Turn(role, m.get("content").asText()));
        }
        return turns;
    }

    private static final List<String> ROLES = List.of("system", "user", "assistant", "tool");

    /** Replies once the request holds the decode. */
    private void serve(Context ctx, Reply reply, CompletionRequest r) throws BadRequest, InterruptedException {
        holdingTheDecode(r, () -> {
            String id = reply.newId();
            if (r.stream()) {
                stream(ctx, reply, r, id);
            } else {
                json(ctx, 200, reply.whole(id, r.model(), Generation.run(llama, r, text -> true)));
            }
        });
    }

    /** {@code POST /v1/async/sessions}: a raw {@code prompt} or chat {@code messages}, and the client's {@code tools}. */
    private void startSession(Context ctx) throws BadRequest, InterruptedException {
        JsonNode body = CompletionRequest.parse(ctx.body());
        String prompt = body.path("prompt").isTextual() ? body.get("prompt").asText()
                : body.has("messages") ? ChatPrompt.render(turns(body.get("messages"))) : null;
        if (prompt == null) {
            throw BadRequest.invalid("give a prompt (one string) or messages");
        }
        CompletionRequest r = CompletionRequest.of(body, prompt, config.maxTokens());
        var tools = AsyncSessions.tools(body.get("tools"));
        holdingTheDecode(r, () -> sessions.run(ctx, r, tools));
    }

    /** What runs while holding the decode. */
    @FunctionalInterface
    private interface Decode {
        void run() throws BadRequest;
    }

    /**
     * Runs {@code work} once the request holds the decode: refused (503) when {@code queue} others already wait, and
     * the model checked first (404).
     */
    private void holdingTheDecode(CompletionRequest r, Decode work) throws BadRequest, InterruptedException {
        if (!r.model().equals(modelName)) {
            throw new BadRequest(404, "not_found_error", "model '" + r.model() + "' does not exist; this server has '"
                    + modelName + "'");
        }
        if (admitted.incrementAndGet() > config.queue() + 1) {
            admitted.decrementAndGet();
            throw new BadRequest(503, "server_busy", "the queue is full (" + config.queue() + " waiting); try again");
        }
        try {
            decoding.acquire();
            try {
                work.run();
            } finally {
                decoding.release();
            }
        } finally {
            admitted.decrementAndGet();
        }
    }

    /** Server-sent events, one per piece of text, then the finish reason, the usage and [DONE]. */
    private void stream(Context ctx, Reply reply, CompletionRequest r, String id) throws BadRequest {
        EventStream out = EventStream.open(ctx);
        if (out == null) {
            return; // the client is already gone
        }
        boolean[] first = {true};
        Generation.Result g = Generation.run(llama, r, text -> {
            boolean sent = out.send(reply.chunk(id, r.model(), text, null, first[0]));
            first[0] = false;
            return sent;
        });
        if (g.finishReason().equals("disconnected")) {
            abandoned.incrementAndGet();
            return;
        }
        if (out.send(reply.chunk(id, r.model(), "", g.finishReason(), first[0]))
                && out.send(reply.usageChunk(id, r.model(), g))) {
            out.done();
        }
    }

    private static void json(Context ctx, int status, ObjectNode body) {
        ctx.status(status).contentType("application/json").result(body.toString());
    }

    /** OpenAI's error object. */
    private static void error(Context ctx, int status, String type, String message) {
        ObjectNode e = JSON.createObjectNode();
        e.putObject("error").put("message", message).put("type", type).putNull("param").putNull("code");
        json(ctx, status, e);
    }

    @Override
    public void close() {
        app.stop();
    }
}
