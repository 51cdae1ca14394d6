package org.asynclm.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.asynclm.model.llama.Llama;
import org.asynclm.model.llama.LlamaEngine;
import org.asynclm.model.llama.Sampler;
import org.asynclm.runtime.TokenMonitor;
import org.asynclm.runtime.prompt.ChatPrompt;
import org.asynclm.runtime.remote.CompletionStream;
import org.asynclm.runtime.remote.OpenAiClient;
import org.asynclm.runtime.remote.OpenAiServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code asynclm serve}'s endpoints over real HTTP on loopback ({@code java.net.http}), on the tiny model: what each
 * returns, that streamed and whole completions (and chat completions) are the greedy decode of the in-process
 * engine, and every error: a
 * bad body, an unknown model, too many tokens, a missing bearer token, a full queue, and a client that goes away
 * mid-stream (its decode stops and the slot frees).
 */
class ModelServerTest {
    @TempDir
    static Path dir;

    private static TinyServer tiny;
    private static Llama llama;
    private static ModelServer server;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        tiny = TinyServer.start(dir, new ServeConfig("127.0.0.1", 0, 0, 4000, "s3cret"));
        llama = tiny.llama();
        server = tiny.server();
    }

    @AfterAll
    static void stop() {
        tiny.close();
    }

    private static URI uri(String path) {
        return tiny.uri(path);
    }

    private static HttpResponse<String> post(String path, String body, boolean auth) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofString(body));
        if (auth) {
            b.header("Authorization", "Bearer s3cret");
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer s3cret").build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The in-process greedy decode under the runtime's mask: what the server must write. */
    private static String inProcess(String prompt, int tokens) {
        StringBuilder text = new StringBuilder();
        TokenMonitor monitor = new TokenMonitor(llama.tokenizer());
        try (LlamaEngine engine = new LlamaEngine(llama, Sampler.greedy())) {
            engine.prefill(llama.tokenizer().encode(prompt));
            for (int i = 0; i < tokens; i++) {
                int t = engine.decode(monitor);
                if (t == llama.tokenizer().endOfTurnId()) {
                    break;
                }
                text.append(monitor.accept(t, new java.util.ArrayList<>()));
            }
        }
        return text.toString();
    }

    @Test
    void healthReadinessAndModels() throws Exception {
        assertEquals(200, HTTP.send(HttpRequest.newBuilder(uri("/health")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode(), "health needs no token");
        assertEquals("ready", JSON.readTree(get("/ready").body()).get("status").asText());
        JsonNode models = JSON.readTree(get("/v1/models").body());
        assertEquals("tiny", models.at("/data/0/id").asText());
        assertEquals("list", models.get("object").asText());
    }

    @Test
    void aWholeCompletionIsTheGreedyDecode() throws Exception {
        HttpResponse<String> r = post("/v1/completions",
                "{\"model\": \"tiny\", \"prompt\": \"[CALL]a[HEAD]\", \"max_tokens\": 12, \"temperature\": 0}", true);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode n = JSON.readTree(r.body());
        assertEquals(inProcess("[CALL]a[HEAD]", 12), n.at("/choices/0/text").asText());
        assertEquals(12, n.at("/usage/completion_tokens").asInt());
        assertEquals(llama.tokenizer().encode("[CALL]a[HEAD]").length, n.at("/usage/prompt_tokens").asInt());
        assertEquals("length", n.at("/choices/0/finish_reason").asText());
    }

    @Test
    void aStreamedCompletionReadsTheSameThroughTheRuntimesClient() throws Exception {
        OpenAiClient client = new OpenAiClient(new OpenAiServer(uri("/v1"), "tiny", "s3cret", Duration.ofSeconds(30), 0));
        StringBuilder text = new StringBuilder();
        try (CompletionStream s = client.complete("Hello", 20, new OpenAiClient.Sampling(0, 1, 0L))) {
            for (String piece = s.next(); piece != null; piece = s.next()) {
                text.append(piece);
            }
            assertEquals("length", s.finishReason());
            assertEquals(20, s.completionTokens());
        }
        assertEquals(inProcess("Hello", 20), text.toString());
    }

    /** A conversation in Llama 3's chat layout: whole, and streamed as deltas that add up to the same message. */
    @Test
    void aChatCompletionIsTheAssistantsTurn() throws Exception {
        String messages = "[{\"role\": \"system\", \"content\": \"Be brief.\"}, {\"role\": \"user\", "
                + "\"content\": \"Hi\"}]";
        String prompt = ChatPrompt.render(List.of(new ChatPrompt.Turn("system", "Be brief."),
                new ChatPrompt.Turn("user", "Hi")));
        HttpResponse<String> whole = post("/v1/chat/completions", "{\"model\": \"tiny\", \"messages\": " + messages
                + ", \"max_tokens\": 10, \"temperature\": 0}", true);
        assertEquals(200, whole.statusCode(), whole.body());
        JsonNode n = JSON.readTree(whole.body());
        assertEquals("chat.completion", n.get("object").asText());
        assertEquals("assistant", n.at("/choices/0/message/role").asText());
        assertEquals(inProcess(prompt, 10), n.at("/choices/0/message/content").asText());
        HttpResponse<String> streamed = post("/v1/chat/completions", "{\"model\": \"tiny\", \"messages\": "
                + messages + ", \"max_tokens\": 10, \"temperature\": 0, \"stream\": true}", true);
        StringBuilder content = new StringBuilder();
        String role = null;
        for (String line : streamed.body().split("\n")) {
            if (line.startsWith("data: {")) {
                JsonNode chunk = JSON.readTree(line.substring(6));
                assertEquals("chat.completion.chunk", chunk.get("object").asText());
                JsonNode delta = chunk.at("/choices/0/delta");
                if (role == null && delta.has("role")) {
                    role = delta.get("role").asText();
                }
                content.append(delta.path("content").asText(""));
            }
        }
        assertEquals("assistant", role);
        assertEquals(n.at("/choices/0/message/content").asText(), content.toString());
        assertTrue(streamed.body().strip().endsWith("data: [DONE]"));
        HttpResponse<String> bad = post("/v1/chat/completions", "{\"model\": \"tiny\", \"messages\": "
                + "[{\"role\": \"wizard\", \"content\": \"x\"}]}", true);
        assertEquals(400, bad.statusCode());
        assertEquals("messages[0]: needs a role (system, user, assistant, tool) and text content",
                JSON.readTree(bad.body()).at("/error/message").asText());
    }

    @Test
    void stopStringsEndTheTextBeforeThem() throws Exception {
        String whole = inProcess("Hello", 30);
        String stop = whole.substring(5, 7);
        HttpResponse<String> r = post("/v1/completions", "{\"model\": \"tiny\", \"prompt\": \"Hello\", \"max_tokens\": 30,"
                + " \"temperature\": 0, \"stop\": [" + JSON.writeValueAsString(stop) + "]}", true);
        JsonNode n = JSON.readTree(r.body());
        assertEquals(whole.substring(0, whole.indexOf(stop)), n.at("/choices/0/text").asText());
        assertEquals("stop", n.at("/choices/0/finish_reason").asText());
    }

    @Test
    void badRequestsAreOpenAiErrors() throws Exception {
        HttpResponse<String> json = post("/v1/completions", "{\"model\": ", true);
        assertEquals(400, json.statusCode());
        assertTrue(JSON.readTree(json.body()).at("/error/message").asText().startsWith("the body is not JSON"));
        HttpResponse<String> model = post("/v1/completions", "{\"model\": \"gpt-4\", \"prompt\": \"x\"}", true);
        assertEquals(404, model.statusCode());
        assertEquals("model 'gpt-4' does not exist; this server has 'tiny'",
                JSON.readTree(model.body()).at("/error/message").asText());
        HttpResponse<String> many = post("/v1/completions",
                "{\"model\": \"tiny\", \"prompt\": \"x\", \"max_tokens\": 5000}", true);
        assertEquals(400, many.statusCode());
        assertEquals("max_tokens: must be 1..4000, got 5000", JSON.readTree(many.body()).at("/error/message").asText());
        HttpResponse<String> context = post("/v1/completions",
                "{\"model\": \"tiny\", \"prompt\": \"x\", \"max_tokens\": 4000, \"stop\": 3}", true);
        assertEquals(400, context.statusCode());
        HttpResponse<String> anonymous = post("/v1/completions", "{\"model\": \"tiny\", \"prompt\": \"x\"}", false);
        assertEquals(401, anonymous.statusCode());
        assertEquals("authentication_error", JSON.readTree(anonymous.body()).at("/error/type").asText());
    }

    /**
     * With no room to queue, a second request while one decodes is refused with 503. The first client then goes
     * away mid-stream: its decode stops at the next token and the slot frees, so a third request is served at once.
     */
    @Test
    void aFullQueueIs503AndAClientThatLeavesFreesTheSlot() throws Exception {
        HttpRequest longOne = HttpRequest.newBuilder(uri("/v1/completions")).header("Authorization", "Bearer s3cret")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\": \"tiny\", \"prompt\": \"Hello\", "
                        + "\"max_tokens\": 4000, \"temperature\": 0, \"stream\": true}")).build();
        HttpResponse<InputStream> streaming = HTTP.send(longOne, HttpResponse.BodyHandlers.ofInputStream());
        InputStream body = streaming.body();
        assertTrue(body.read(new byte[64]) > 0, "the stream has begun");
        HttpResponse<String> refused = post("/v1/completions", "{\"model\": \"tiny\", \"prompt\": \"x\"}", true);
        assertEquals(503, refused.statusCode(), refused.body());
        body.close(); // the client goes away with most of 4,000 tokens still to come
        long t0 = System.nanoTime();
        HttpResponse<String> next;
        do { // the server notices at its next write
            Thread.sleep(20);
            next = post("/v1/completions", "{\"model\": \"tiny\", \"prompt\": \"x\", \"max_tokens\": 2}", true);
        } while (next.statusCode() == 503 && System.nanoTime() - t0 < 10_000_000_000L);
        assertEquals(200, next.statusCode(), next.body());
        assertEquals(1, server.abandoned(), "the decode stopped when its client left, before its 4,000 tokens");
    }
}
