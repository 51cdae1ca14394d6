package org.asynclm.runtime.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * One streamed {@code /v1/completions} response: the text of its chunks in order, read as they arrive
 * ({@link SseStream}). Closing it closes the connection, which tells the server to stop.
 */
public final class CompletionStream implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SseStream events;
    private final Deque<String> texts = new ArrayDeque<>();
    private final String where;
    private String finishReason;
    private boolean done;
    private int completionTokens = -1;

    CompletionStream(InputStream body, String where) {
        this.events = new SseStream(body, where);
        this.where = where;
    }

    /** The next piece of text, waiting for it; null when the response is over. */
    public String next() {
        while (texts.isEmpty() && !done) {
            String data = events.next();
            if (data == null) {
                done = true;
            } else {
                accept(data);
            }
        }
        return texts.poll();
    }

    /** Why the server stopped ("stop", "length"), once the response is over; null before, or if it did not say. */
    public String finishReason() {
        return finishReason;
    }

    /** The server's count of generated tokens (its usage), or -1 if it sent none. */
    public int completionTokens() {
        return completionTokens;
    }

    /** One event: a chunk, or [DONE]. */
    void accept(String data) {
        if (data.equals("[DONE]")) {
            done = true;
            return;
        }
        JsonNode chunk;
        try {
            chunk = JSON.readTree(data);
        } catch (IOException e) {
            throw new RemoteFailure(where + ": a streamed chunk is not JSON: " + abbreviate(data));
        }
        if (chunk.has("error")) {
            throw new RemoteFailure(where + ": the server reported an error: " + abbreviate(chunk.get("error").toString()));
        }
        JsonNode usage = chunk.get("usage");
        if (usage != null && usage.has("completion_tokens")) {
            completionTokens = usage.get("completion_tokens").asInt();
        }
        JsonNode choice = chunk.path("choices").path(0);
        String text = choice.path("text").asText("");
        if (!text.isEmpty()) {
            texts.add(text);
        }
        if (choice.hasNonNull("finish_reason")) {
            finishReason = choice.get("finish_reason").asText();
        }
    }

    static String abbreviate(String s) {
        String one = s.replaceAll("\\s+", " ").strip();
        return one.length() <= 200 ? one : one.substring(0, 200) + "...";
    }

    @Override
    public void close() {
        events.close();
    }
}
