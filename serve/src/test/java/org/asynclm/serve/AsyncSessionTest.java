package org.asynclm.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.asynclm.model.llama.Llama;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The asynchronous session API over loopback HTTP on the tiny model: a session's events, user messages posted while
 * the model writes and injected into its context once each, the refusals for an unknown or an ended session, and a
 * load test: 100 concurrent sessions, each posting three messages, none lost or duplicated, every session gone
 * afterwards (a message that came after its turn's last boundary is named in the end event, one posted after the turn
 * ended is refused with 409, neither dropped), and the interrupt-to-injection time measured (printed).
 */
class AsyncSessionTest {
    @TempDir
    static Path dir;

    private static TinyServer tiny;
    private static Llama llama;
    private static ModelServer server;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        tiny = TinyServer.start(dir, new ServeConfig("127.0.0.1", 0, 100, 4000, null));
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

    private static HttpResponse<String> post(String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /**
     * What one client saw: the end event, how long each message took from its POST to its injection, the answers to
     * posts refused for another reason than the session's end (status and body), and how many were refused because
     * the turn had already ended (409 {@code session_ended}: the client is told, so nothing is lost; under load a
     * turn of 40 tokens can end before its client's posts arrive).
     */
    record Seen(JsonNode end, List<Double> latenciesMs, List<String> refused, int refusedAsEnded) {
    }

    /** Starts a session, posts {@code messages} as soon as it runs, and reads its events to the end. */
    private static Seen session(String tag, int messages, int maxTokens) throws Exception {
        HttpRequest start = HttpRequest.newBuilder(uri("/v1/async/sessions")).POST(HttpRequest.BodyPublishers.ofString(
                "{\"model\": \"tiny\", \"prompt\": \"Hello\", \"max_tokens\": " + maxTokens + ", \"temperature\": 0}"))
                .build();
        HttpResponse<Stream<String>> r = HTTP.send(start, HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, r.statusCode());
        long[] posted = new long[messages];
        List<Double> latencies = new ArrayList<>();
        JsonNode end = null;
        List<String> refused = new ArrayList<>();
        int refusedAsEnded = 0;
        Iterator<String> lines = r.body().iterator();
        while (lines.hasNext()) {
            String line = lines.next();
            if (!line.startsWith("data: {")) {
                continue;
            }
            JsonNode e = JSON.readTree(line.substring(6));
            switch (e.get("type").asText()) {
                case "session" -> {
                    for (int k = 0; k < messages; k++) {
                        posted[k] = System.nanoTime();
                        HttpResponse<String> answer = post("/v1/async/sessions/" + e.get("id").asText()
                                + "/interrupts", "{\"user\": \"" + tag + "-" + k + "\"}");
                        boolean asEnded = answer.statusCode() == 409
                                && "session_ended".equals(JSON.readTree(answer.body()).at("/error/type").asText());
                        // once the turn has ended it stays ended: no post after a refused one is accepted
                        assertTrue(refusedAsEnded == 0 || asEnded, "accepted after a refusal: " + answer.body());
                        refusedAsEnded += asEnded ? 1 : 0;
                        if (answer.statusCode() != 202 && !asEnded) {
                            refused.add(answer.statusCode() + " " + answer.body());
                        }
                    }
                }
                case "interrupt" -> {
                    for (int k = 0; k < messages; k++) {
                        if (e.get("cml").asText().contains("\"" + tag + "-" + k + "\"")) {
                            latencies.add((System.nanoTime() - posted[k]) / 1e6);
                        }
                    }
                }
                case "end" -> end = e;
                default -> {
                }
            }
        }
        return new Seen(end, latencies, refused, refusedAsEnded);
    }

    @Test
    void messagesPostedWhileTheModelWritesAreInjectedOnceEach() throws Exception {
        Seen s = session("m", 2, 80);
        assertEquals(List.of(), s.refused());
        String transcript = s.end().get("transcript").asText();
        for (String m : List.of("m-0", "m-1")) {
            assertEquals(1, transcript.split("\\[INTR]user\\[HEAD]\"" + m + "\"\\[END]", -1).length - 1, transcript);
        }
        assertEquals(2, s.end().get("interrupts").asInt());
        assertEquals(2, s.latenciesMs().size());
        assertEquals("max_tokens", s.end().get("end_state").asText(), "the untrained model writes to the limit");
    }

    @Test
    void anUnknownOrEndedSessionIsRefused() throws Exception {
        HttpResponse<String> unknown = post("/v1/async/sessions/as-nope/interrupts", "{\"user\": \"hi\"}");
        assertEquals(404, unknown.statusCode());
        assertEquals("no session as-nope", JSON.readTree(unknown.body()).at("/error/message").asText());
        HttpResponse<String> events = post("/v1/async/sessions",
                "{\"model\": \"tiny\", \"prompt\": \"Hello\", \"max_tokens\": 3}");
        String id = JSON.readTree(events.body().lines().filter(l -> l.startsWith("data: {")).findFirst().orElseThrow()
                .substring(6)).get("id").asText();
        HttpResponse<String> late = post("/v1/async/sessions/" + id + "/interrupts", "{\"user\": \"hi\"}");
        assertEquals(409, late.statusCode());
        assertEquals("session " + id + " has ended", JSON.readTree(late.body()).at("/error/message").asText());
        HttpResponse<String> timeline = HTTP.send(HttpRequest.newBuilder(uri("/v1/async/sessions/" + id + "/timeline"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, timeline.statusCode());
        assertTrue(JSON.readTree(timeline.body()).get("traceEvents").toString().contains("session " + id),
                "the ended session on a Perfetto timeline");
        HttpResponse<String> noCall = post("/v1/async/sessions/as-nope/interrupts", "{\"call_id\": \"a\"}");
        assertEquals(404, noCall.statusCode());
        assertTrue(events.body().strip().endsWith("data: [DONE]"));
    }

    @Test
    void aHundredConcurrentSessionsLoseAndDuplicateNothing() throws Exception {
        int sessions = 100;
        int messages = 3;
        List<Seen> seen = Collections.synchronizedList(new ArrayList<>());
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> all = new ArrayList<>();
            for (int i = 0; i < sessions; i++) {
                String tag = "s" + i;
                all.add(clients.submit(() -> seen.add(session(tag, messages, 40))));
            }
            for (Future<?> f : all) {
                f.get();
            }
        }
        List<Double> latencies = new ArrayList<>();
        int late = 0;
        int afterTheEnd = 0;
        for (Seen s : seen) {
            assertEquals(List.of(), s.refused());
            // every message entered the context once, came after the turn's last boundary and is named, or was
            // refused because the turn had ended
            int undelivered = s.end().path("undelivered").size();
            assertEquals(messages, s.end().get("interrupts").asInt() + undelivered + s.refusedAsEnded(),
                    s.end().toString());
            assertEquals(s.end().get("interrupts").asInt(), s.latenciesMs().size(), "each injection seen once");
            String transcript = s.end().get("transcript").asText();
            for (JsonNode u : s.end().path("undelivered")) {
                assertTrue(!transcript.contains(u.asText()), "named undelivered yet injected: " + u);
            }
            late += undelivered;
            afterTheEnd += s.refusedAsEnded();
            latencies.addAll(s.latenciesMs());
        }
        assertEquals(0, server.liveSessions(), "every session is gone once it ended");
        double[] ms = latencies.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        System.out.printf("100 sessions x 3 interrupts: %d injected, %d after their turn's last boundary (named), "
                + "%d refused as the turn had ended; interrupt-to-injection p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                ms.length, late, afterTheEnd, ms[ms.length / 2], ms[(int) Math.ceil(0.99 * ms.length) - 1],
                ms[ms.length - 1]);
        assertEquals(sessions * messages, ms.length + late + afterTheEnd);
    }
}
