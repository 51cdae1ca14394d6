package org.asynclm.runtime.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

/**
 * A client of {@code asynclm serve}'s asynchronous session API: {@link #run} starts a turn and hands its events to
 * {@link Events} as they arrive, on the calling thread; {@link #result} and {@link #user} deliver interrupts from
 * any other thread while it runs.
 */
public final class SessionClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final OpenAiClient http;

    /** What a session streams; each method is called on {@link #run}'s thread, in order. */
    public interface Events {
        void started(String sessionId);

        void text(String text);

        void call(String callId, String function, Map<String, Object> arguments);

        void interrupt(String cml);

        /** The turn's end: end state, token and interrupt counts, transcript, errors. */
        void end(JsonNode end);
    }

    public SessionClient(OpenAiServer server) {
        this.http = new OpenAiClient(server);
    }

    /** Runs one turn of {@code prompt} (the model's own layout) with the client's {@code tools}, to its end. */
    public void run(String prompt, List<ObjectNode> tools, int maxTokens, double temperature, long seed,
                    Events events) {
        ObjectNode body = JSON.createObjectNode().put("model", http.server().model()).put("prompt", prompt)
                .put("max_tokens", maxTokens).put("temperature", temperature).put("seed", seed);
        tools.forEach(body.putArray("tools")::add);
        String where = "POST " + http.server().endpoint("/async/sessions");
        try (SseStream stream = new SseStream(http.post("/async/sessions", body), where)) {
            for (String data = stream.next(); data != null && !data.equals("[DONE]"); data = stream.next()) {
                JsonNode e = readJson(data, where);
                switch (e.path("type").asText()) {
                    case "session" -> events.started(e.get("id").asText());
                    case "text" -> events.text(e.get("text").asText());
                    case "call" -> events.call(e.path("id").asText(null), e.get("function").asText(),
                            JSON.convertValue(e.get("arguments"), Map.class));
                    case "interrupt" -> events.interrupt(e.get("cml").asText());
                    case "end" -> events.end(e);
                    default -> { // a newer server's event this client does not know: skip it
                    }
                }
            }
        }
    }

    /** A call's result (a JSON value) or, with {@code error}, its error text. */
    public void result(String sessionId, String callId, String value, boolean error) {
        ObjectNode body = JSON.createObjectNode().put("call_id", callId);
        if (error) {
            body.put("error", value);
        } else {
            body.set("result", readJson(value, "the result of " + callId));
        }
        deliver(sessionId, body);
    }

    /** A user's message, injected as {@code [INTR]user[HEAD]"..."[END]}. */
    public void user(String sessionId, String text) {
        deliver(sessionId, JSON.createObjectNode().put("user", text));
    }

    private void deliver(String sessionId, ObjectNode body) {
        try (InputStream answer = http.post("/async/sessions/" + sessionId + "/interrupts", body)) {
            answer.readAllBytes();
        } catch (IOException e) {
            throw new RemoteFailure("POST " + http.server().endpoint("/async/sessions/" + sessionId + "/interrupts")
                    + ": " + e.getMessage());
        }
    }

    private static JsonNode readJson(String data, String where) {
        try {
            return JSON.readTree(data);
        } catch (IOException e) {
            throw new RemoteFailure(where + ": not JSON: " + CompletionStream.abbreviate(data));
        }
    }
}
