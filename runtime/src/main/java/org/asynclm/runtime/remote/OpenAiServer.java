package org.asynclm.runtime.remote;

import java.net.URI;
import java.time.Duration;

/**
 * An OpenAI-compatible server and the model to ask for: {@code baseUrl} ends in {@code /v1}
 * ({@code http://127.0.0.1:8000/v1} for vLLM). {@code apiKey} may be null (no Authorization header). A request that
 * meets a busy or failing server (429, 5xx, a refused connection) is tried {@code retries} more times, waiting
 * 0.5 s, then 1 s, 2 s ... (or what Retry-After says), before the run stops with one line.
 */
public record OpenAiServer(URI baseUrl, String model, String apiKey, Duration timeout, int retries) {
    /** The environment variable the API key is read from. */
    public static final String API_KEY_VARIABLE = "ASYNCLM_API_KEY";

    public OpenAiServer {
        String url = baseUrl.toString();
        if (url.endsWith("/")) {
            baseUrl = URI.create(url.substring(0, url.length() - 1));
        }
    }

    /** The API key from {@link #API_KEY_VARIABLE}, a minute to answer, three retries. */
    public static OpenAiServer of(URI baseUrl, String model) {
        String key = System.getenv(API_KEY_VARIABLE);
        return new OpenAiServer(baseUrl, model, key == null || key.isBlank() ? null : key, Duration.ofSeconds(60), 3);
    }

    URI endpoint(String path) {
        return URI.create(baseUrl + path);
    }
}
