package org.asynclm.runtime.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.asynclm.runtime.CacheCosts;
import org.asynclm.runtime.CostModel;
import org.asynclm.runtime.EndState;
import org.asynclm.runtime.Method;
import org.asynclm.runtime.Outcome;
import org.asynclm.runtime.Session;
import org.asynclm.runtime.SessionConfig;
import org.asynclm.runtime.clock.WallClock;
import org.asynclm.runtime.exec.Invocation;
import org.asynclm.runtime.exec.ThreadToolExecutor;
import org.asynclm.runtime.exec.Tool;
import org.asynclm.runtime.tokens.ByteTokenizer;
import org.junit.jupiter.api.Test;

/**
 * The OpenAI engine in the real runtime against a loopback server replaying vLLM-format streams: a call and a trap
 * read from one stream (closed at the trap: the text the model wrote past it never reaches the runtime), the
 * interrupt sent back as a new request on the extended prompt, the answer read from the second; retries on a busy
 * server; one line for a server that is not there.
 */
class OpenAiEngineTest {
    private final ByteTokenizer tokenizer = new ByteTokenizer();
    private static final OpenAiClient.Sampling GREEDY = new OpenAiClient.Sampling(0, 1, 0L);

    @Test
    void aTrapClosesTheStreamAndTheInterruptStartsTheNextRequest() throws Exception {
        try (FixtureServer server = new FixtureServer(7, FixtureServer.Answer.stream("vllm-call-trap.sse"),
                FixtureServer.Answer.stream("vllm-answer.sse"))) {
            OpenAiServer remote = new OpenAiServer(server.baseUrl(), "asynclm", null, Duration.ofSeconds(10), 0);
            Outcome o;
            OpenAiEngine engine = new OpenAiEngine(new OpenAiClient(remote), tokenizer, GREEDY, 256);
            WallClock clock = new WallClock(false);
            try (engine; ThreadToolExecutor ex = new ThreadToolExecutor(clock, 10_000_000_000L)) {
                Session s = new Session(engine, tokenizer, clock, ex, Map.of("find_user", findUser()),
                        new SessionConfig(Method.ASYNC_NAIVE, CostModel.local(0, 0), CacheCosts.SINGLE_USER, 1000),
                        null);
                o = s.run(tokenizer.encode("Find kmensah's id."));
            }
            assertEquals(EndState.DONE, o.endState(), o.errors().toString());
            assertEquals("I'll look that up.\n[CALL]a[HEAD]find_user(username='kmensah')[END][TRAP][END]"
                    + "[INTR]a[HEAD]{\"user_id\":\"U2795\"}[END]The user id is U2795.", o.transcript());
            List<String> bodies = server.bodies();
            assertEquals(2, bodies.size(), "one request per stretch between interrupts");
            JsonNode second = new ObjectMapper().readTree(bodies.get(1));
            assertEquals("Find kmensah's id.I'll look that up.\n[CALL]a[HEAD]find_user(username='kmensah')[END]"
                    + "[TRAP][END][INTR]a[HEAD]{\"user_id\":\"U2795\"}[END]", second.get("prompt").asText(),
                    "the prompt grows by what the runtime read and wrote, never by what the model wrote past the trap");
            assertEquals(true, second.get("stream").asBoolean());
            assertEquals(false, second.get("skip_special_tokens").asBoolean());
            assertEquals("asynclm", second.get("model").asText());
            assertEquals(2, engine.requests().size());
            for (OpenAiEngine.Request r : engine.requests()) {
                assertTrue(r.ttftMs() >= 0 && r.tokens() > 0, r.toString());
            }
            assertEquals("stop", engine.requests().get(1).finishReason());
        }
    }

    @Test
    void aBusyServerIsTriedAgain() throws Exception {
        try (FixtureServer server = new FixtureServer(64, FixtureServer.Answer.status(503),
                FixtureServer.Answer.status(429), FixtureServer.Answer.stream("vllm-answer.sse"))) {
            OpenAiServer remote = new OpenAiServer(server.baseUrl(), "asynclm", "secret", Duration.ofSeconds(10), 2);
            StringBuilder text = new StringBuilder();
            try (CompletionStream s = new OpenAiClient(remote).complete("Hi", 16, GREEDY)) {
                for (String piece = s.next(); piece != null; piece = s.next()) {
                    text.append(piece);
                }
                assertEquals("stop", s.finishReason());
                assertEquals(9, s.completionTokens());
            }
            assertEquals("The user id is U2795.", text.toString());
            assertEquals(3, server.bodies().size());
        }
    }

    @Test
    void aServerThatIsDownIsOneLine() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        OpenAiServer remote = new OpenAiServer(URI.create("http://127.0.0.1:" + port + "/v1/"), "m", null,
                Duration.ofSeconds(5), 1);
        RemoteFailure f = assertThrows(RemoteFailure.class,
                () -> new OpenAiClient(remote).complete("Hi", 16, GREEDY));
        assertEquals("POST http://127.0.0.1:" + port + "/v1/completions: cannot connect (is the server running?) "
                + "(after 2 tries)", f.getMessage());
    }

    @Test
    void aRequestTheServerRefusesIsNotRetried() throws Exception {
        try (FixtureServer server = new FixtureServer(64, FixtureServer.Answer.status(400))) {
            OpenAiServer remote = new OpenAiServer(server.baseUrl(), "m", null, Duration.ofSeconds(5), 3);
            RemoteFailure f = assertThrows(RemoteFailure.class,
                    () -> new OpenAiClient(remote).complete("Hi", 16, GREEDY));
            assertEquals("POST " + server.baseUrl() + "/completions: HTTP 400: {\"error\": {\"message\": \"busy\"}}",
                    f.getMessage());
            assertEquals(1, server.bodies().size());
        }
    }

    private static Tool findUser() {
        return new Tool() {
            @Override
            public String name() {
                return "find_user";
            }

            @Override
            public ObjectNode schema() {
                return JsonNodeFactory.instance.objectNode().put("name", "find_user");
            }

            @Override
            public Object invoke(Invocation inv) throws InterruptedException {
                inv.sleep(500_000_000L); // long enough for the model's trap to come first
                return Map.of("user_id", "U2795");
            }
        };
    }
}
