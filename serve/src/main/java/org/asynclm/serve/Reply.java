package org.asynclm.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.UUID;

/**
 * The JSON of a reply in its endpoint's layout: {@code /v1/completions} (text_completion, a choice's {@code text})
 * or {@code /v1/chat/completions} (chat.completion with a {@code message}; streamed as chat.completion.chunk with a
 * {@code delta}, the first naming the role), each streamed chunk as vLLM sends it.
 */
enum Reply {
    COMPLETION("cmpl-"),
    CHAT("chatcmpl-");

    private static final ObjectMapper JSON = new ObjectMapper();
    private final String idPrefix;

    Reply(String idPrefix) {
        this.idPrefix = idPrefix;
    }

    String newId() {
        return idPrefix + UUID.randomUUID().toString().replace("-", "");
    }

    /** A streamed chunk of {@code text}, or with {@code finish} the closing one; {@code first} names the role. */
    ObjectNode chunk(String id, String model, String text, String finish, boolean first) {
        ObjectNode out = head(id, model, true);
        ObjectNode choice = out.putArray("choices").addObject().put("index", 0);
        if (this == COMPLETION) {
            choice.put("text", text);
            choice.putNull("logprobs");
        } else {
            ObjectNode delta = choice.putObject("delta");
            if (first) {
                delta.put("role", "assistant");
            }
            if (!text.isEmpty() || finish == null) {
                delta.put("content", text);
            }
        }
        if (finish == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finish);
        }
        choice.putNull("stop_reason");
        out.putNull("usage");
        return out;
    }

    /** The last streamed chunk: no choice, the usage. */
    ObjectNode usageChunk(String id, String model, Generation.Result g) {
        ObjectNode out = head(id, model, true);
        out.putArray("choices");
        out.set("usage", usage(g));
        return out;
    }

    /** The whole reply, not streamed. */
    ObjectNode whole(String id, String model, Generation.Result g) {
        ObjectNode out = head(id, model, false);
        ObjectNode choice = out.putArray("choices").addObject().put("index", 0);
        if (this == COMPLETION) {
            choice.put("text", g.text());
            choice.putNull("logprobs");
        } else {
            choice.putObject("message").put("role", "assistant").put("content", g.text());
        }
        choice.put("finish_reason", g.finishReason());
        out.set("usage", usage(g));
        return out;
    }

    private ObjectNode head(String id, String model, boolean chunk) {
        String object = this == COMPLETION ? "text_completion" : chunk ? "chat.completion.chunk" : "chat.completion";
        return JSON.createObjectNode().put("id", id).put("object", object)
                .put("created", System.currentTimeMillis() / 1000).put("model", model);
    }

    private static ObjectNode usage(Generation.Result g) {
        return JSON.createObjectNode().put("prompt_tokens", g.promptTokens())
                .put("completion_tokens", g.completionTokens())
                .put("total_tokens", g.promptTokens() + g.completionTokens());
    }
}
