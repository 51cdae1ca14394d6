package org.asynclm.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code /v1/completions} request, read and checked: the prompt in the model's own layout, {@code max_tokens} (default 16, as OpenAI's), {@code temperature} (default 1;
 * 0 is greedy), {@code top_p}, {@code stop} strings, {@code seed} and {@code stream}.
 */
record CompletionRequest(String model, String prompt, int maxTokens, double temperature, double topP,
                         List<String> stop, long seed, boolean stream) {
    private static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode parse(String body) throws BadRequest {
        try {
            JsonNode n = JSON.readTree(body);
            if (n == null || !n.isObject()) {
                throw BadRequest.invalid("the body must be a JSON object");
            }
            return n;
        } catch (JsonProcessingException e) {
            throw BadRequest.invalid("the body is not JSON: " + e.getOriginalMessage());
        }
    }

    /** From a parsed body whose prompt the caller has taken out ({@code prompt}). */
    static CompletionRequest of(JsonNode n, String prompt, int tokenLimit) throws BadRequest {
        String model = n.path("model").asText(null);
        if (model == null || model.isBlank()) {
            throw BadRequest.invalid("model: required");
        }
        int maxTokens = integer(n, "max_tokens", 16);
        if (maxTokens < 1 || maxTokens > tokenLimit) {
            throw BadRequest.invalid("max_tokens: must be 1.." + tokenLimit + ", got " + maxTokens);
        }
        double temperature = number(n, "temperature", 1);
        double topP = number(n, "top_p", 1);
        if (temperature < 0 || !(topP > 0 && topP <= 1)) {
            throw BadRequest.invalid("temperature must be >= 0 and top_p in (0, 1]");
        }
        List<String> stop = new ArrayList<>();
        JsonNode s = n.get("stop");
        if (s != null && s.isTextual()) {
            stop.add(s.asText());
        } else if (s != null && s.isArray()) {
            s.forEach(x -> stop.add(x.asText()));
        } else if (s != null && !s.isNull()) {
            throw BadRequest.invalid("stop: a string or a list of strings");
        }
        return new CompletionRequest(model, prompt, maxTokens, temperature, topP, List.copyOf(stop),
                n.path("seed").asLong(0), n.path("stream").asBoolean(false));
    }

    private static int integer(JsonNode n, String key, int otherwise) throws BadRequest {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            return otherwise;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            throw BadRequest.invalid(key + ": must be an integer");
        }
        return v.asInt();
    }

    private static double number(JsonNode n, String key, double otherwise) throws BadRequest {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            return otherwise;
        }
        if (!v.isNumber()) {
            throw BadRequest.invalid(key + ": must be a number");
        }
        return v.asDouble();
    }
}
