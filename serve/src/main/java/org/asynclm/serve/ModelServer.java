package org.asynclm.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.asynclm.model.llama.Llama;

/**
 * An OpenAI-compatible server over the local Llama: {@code GET /v1/models}, {@code POST /v1/completions} streamed
 * (server-sent events in the layout vLLM uses) or not, and {@code /health} and {@code /ready}. One decode runs at a
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
    private final Javalin app;

    private ModelServer(Llama llama, String modelName, ServeConfig config) {
        this.llama = llama;
        this.modelName = modelName;
        this.config = config;
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
            c.routes.exception(BadRequest.class, (e, ctx) -> error(ctx, e.status(), e.type(), e.getMessage()));
        });
    }

    /** Starts serving {@code llama} as {@code modelName}; returns once the port is bound. */
    public static ModelServer start(Llama llama, String modelName, ServeConfig config) {
        ModelServer s = new ModelServer(llama, modelName, config);
        s.app.start();
        return s;
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
        CompletionRequest r = CompletionRequest.of(body, prompt.asText(), config.maxTokens());
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
                String id = "cmpl-" + UUID.randomUUID().toString().replace("-", "");
                if (r.stream()) {
                    stream(ctx, r, id);
                } else {
                    Generation.Result g = Generation.run(llama, r, text -> true);
                    ObjectNode out = chunk(id, r, g.text(), g.finishReason());
                    out.set("usage", usage(g));
                    json(ctx, 200, out);
                }
            } finally {
                decoding.release();
            }
        } finally {
            admitted.decrementAndGet();
        }
    }

    /** Server-sent events, one per piece of text, then the finish reason, the usage and [DONE]. */
    private void stream(Context ctx, CompletionRequest r, String id) throws BadRequest {
        ctx.status(200).contentType("text/event-stream");
        ctx.header("Cache-Control", "no-cache");
        OutputStream out;
        try {
            out = ctx.res().getOutputStream();
        } catch (IOException e) {
            return; // the client is already gone
        }
        Generation.Result g = Generation.run(llama, r, text -> send(out, chunk(id, r, text, null)));
        if (g.finishReason().equals("disconnected")) {
            abandoned.incrementAndGet();
            return;
        }
        ObjectNode last = chunk(id, r, "", g.finishReason());
        ObjectNode usage = chunk(id, r, null, null);
        usage.set("usage", usage(g));
        if (send(out, last) && send(out, usage)) {
            write(out, "data: [DONE]\n\n");
        }
    }

    /** vLLM's chunk: the text (null: no choice at all, the usage chunk) and the finish reason. */
    private static ObjectNode chunk(String id, CompletionRequest r, String text, String finish) {
        ObjectNode c = JSON.createObjectNode().put("id", id).put("object", "text_completion")
                .put("created", System.currentTimeMillis() / 1000).put("model", r.model());
        var choices = c.putArray("choices");
        if (text != null) {
            ObjectNode choice = choices.addObject().put("index", 0).put("text", text);
            choice.putNull("logprobs");
            if (finish == null) {
                choice.putNull("finish_reason");
            } else {
                choice.put("finish_reason", finish);
            }
            choice.putNull("stop_reason");
        }
        c.putNull("usage");
        return c;
    }

    private static ObjectNode usage(Generation.Result g) {
        return JSON.createObjectNode().put("prompt_tokens", g.promptTokens())
                .put("completion_tokens", g.completionTokens())
                .put("total_tokens", g.promptTokens() + g.completionTokens());
    }

    private static boolean send(OutputStream out, ObjectNode chunk) {
        return write(out, "data: " + chunk + "\n\n");
    }

    /** Writes and flushes; false when the client has gone away. */
    private static boolean write(OutputStream out, String text) {
        try {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
            return true;
        } catch (IOException e) {
            return false;
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
