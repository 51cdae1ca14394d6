package org.asynclm.serve;

/**
 * How {@code asynclm serve} listens: {@code host} (loopback unless told otherwise), {@code port} (0: any free one),
 * at most {@code queue} requests waiting behind the one decoding (more get 503), at most {@code maxTokens} per
 * request, and {@code bearerToken} (null: none) that every request but health and readiness must present.
 */
public record ServeConfig(String host, int port, int queue, int maxTokens, String bearerToken) {
    /** The environment variable the bearer token is read from. */
    public static final String TOKEN_VARIABLE = "ASYNCLM_SERVE_TOKEN";

    public ServeConfig {
        if (port < 0 || port > 65535 || queue < 0 || maxTokens < 1) {
            throw new IllegalArgumentException("port in 0..65535, queue >= 0, max tokens >= 1");
        }
    }
}
