package org.asynclm.runtime.remote;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Streamed completions from an OpenAI-compatible server over {@code java.net.http}: {@code POST /v1/completions}
 * with {@code stream: true}, retried with backoff on 429, 5xx and refused connections.
 */
public final class OpenAiClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final OpenAiServer server;
    private final HttpClient http;

    /** How to sample; {@code seed} null: the server's choice. */
    public record Sampling(double temperature, double topP, Long seed) {
    }

    public OpenAiClient(OpenAiServer server) {
        this.server = server;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .version(HttpClient.Version.HTTP_1_1).build();
    }

    public OpenAiServer server() {
        return server;
    }

    private volatile Integer contextLength;

    /**
     * The model's context length as {@code GET /v1/models} gives it ({@code max_model_len}, as vLLM and asynclm serve
     * write it), asked once; 0 when the server does not say. A request whose prompt and {@code max_tokens} exceed it
     * is refused by such servers, so the engine asks for no more than fits.
     */
    public int contextLength() {
        if (contextLength == null) {
            HttpRequest.Builder request = HttpRequest.newBuilder(server.endpoint("/models")).timeout(server.timeout());
            if (server.apiKey() != null) {
                request.header("Authorization", "Bearer " + server.apiKey());
            }
            int found = 0;
            try (InputStream body = send(request.GET().build(), "GET " + server.endpoint("/models"))) {
                for (var m : JSON.readTree(body).path("data")) {
                    if (m.path("id").asText().equals(server.model()) && m.path("max_model_len").canConvertToInt()) {
                        found = m.get("max_model_len").asInt();
                    }
                }
            } catch (IOException | RemoteFailure e) {
                found = 0; // no model list, or not JSON: the server does not say (a down server fails the next call)
            }
            contextLength = found;
        }
        return contextLength;
    }

    /**
     * Starts a completion of {@code prompt} (raw text, the model's own layout) of at most {@code maxTokens} tokens.
     * Special tokens stay in the text ({@code skip_special_tokens: false}, vLLM's parameter): a Llama 3 model writes
     * the CML markers as its reserved tokens, which servers drop from the text by default. The prompt already begins
     * with its own begin-of-text token ({@code add_special_tokens: false}).
     */
    public CompletionStream complete(String prompt, int maxTokens, Sampling sampling) {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", server.model()).put("prompt", prompt).put("max_tokens", maxTokens).put("stream", true)
                .put("temperature", sampling.temperature()).put("top_p", sampling.topP())
                .put("skip_special_tokens", false).put("add_special_tokens", false);
        body.putObject("stream_options").put("include_usage", true);
        if (sampling.seed() != null) {
            body.put("seed", sampling.seed());
        }
        return new CompletionStream(post("/completions", body), "POST " + server.endpoint("/completions"));
    }

    /** POSTs {@code body} to {@code path} under the API root; the body of its 200, after any retries. */
    InputStream post(String path, ObjectNode body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.endpoint(path)).timeout(server.timeout())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        if (server.apiKey() != null) {
            request.header("Authorization", "Bearer " + server.apiKey());
        }
        return send(request.build(), "POST " + server.endpoint(path));
    }

    /** The response body of a 200 (or 202), after the retries a busy server is worth. */
    private InputStream send(HttpRequest request, String where) {
        String last = "";
        for (int attempt = 0; ; attempt++) {
            long waitMs = Math.min(8000, 500L << Math.min(attempt, 10));
            try {
                HttpResponse<InputStream> r = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
                int status = r.statusCode();
                if (status == 200 || status == 202) {
                    return r.body();
                }
                String text = drain(r.body());
                last = "HTTP " + status + ": " + CompletionStream.abbreviate(text);
                if (status != 429 && status < 500) {
                    throw new RemoteFailure(where + ": " + last); // the request itself is wrong: retrying cannot help
                }
                waitMs = r.headers().firstValue("Retry-After").map(OpenAiClient::seconds).orElse(waitMs);
            } catch (ConnectException e) {
                last = "cannot connect (is the server running?)";
            } catch (HttpTimeoutException e) {
                last = "no answer within " + server.timeout().toSeconds() + " s";
            } catch (IOException e) {
                last = e.getClass().getSimpleName() + ": " + e.getMessage();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RemoteFailure(where + ": interrupted");
            }
            if (attempt >= server.retries()) {
                throw new RemoteFailure(where + ": " + last + (server.retries() > 0
                        ? " (after " + (server.retries() + 1) + " tries)" : ""));
            }
            try {
                Thread.sleep(waitMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RemoteFailure(where + ": interrupted");
            }
        }
    }

    private static long seconds(String retryAfter) {
        try {
            return Math.min(30_000, Long.parseLong(retryAfter.strip()) * 1000);
        } catch (NumberFormatException e) {
            return 1000;
        }
    }

    private static String drain(InputStream in) {
        try (in) {
            return new String(in.readNBytes(4096), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
