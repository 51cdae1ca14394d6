package org.asynclm.datagen.trace;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.CharArrayWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.function.UnaryOperator;
import org.asynclm.datagen.config.DatagenConfig;
import org.asynclm.runtime.CallRecord;
import org.asynclm.runtime.Outcome;
import org.asynclm.runtime.Segment;
import org.asynclm.runtime.prompt.ChatPrompt;
import org.asynclm.runtime.scenario.FollowUp;
import org.asynclm.runtime.scenario.ScenarioCall;
import org.asynclm.runtime.tokens.ByteTokenizer;
import org.asynclm.runtime.trace.TraceLine;

/**
 * Trace formats, one JSON object per line. {@code native} is {@code asynclm.trace/1} (documented in the README).
 * {@code trl} is TRL's conversational layout: the system prompt and the request, then the model's stretches as
 * assistant messages and the interrupts as tool messages, to be rendered by {@link #chatTemplate()}, which puts
 * them into one assistant turn as the runtime does. {@code axolotl} is Axolotl's {@code input_output} layout,
 * segments labelled true where the model writes. Both exports write every text as the model's tokenizer must be
 * given it ({@link org.asynclm.runtime.tokens.Tokenizer#vocabularyText}), so that Hugging Face's tokenizers give
 * the ids the runtime runs on.
 */
public final class TraceWriter {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final String CHAT_TEMPLATE = "/org/asynclm/datagen/trace/cml_chat_template.jinja";

    private TraceWriter() {
    }

    /** One line of {@code format}; {@code spelling} writes a text as the tokenizer must read it (exports only). */
    public static String line(Trace t, DatagenConfig.Format format, UnaryOperator<String> spelling) {
        if (format == DatagenConfig.Format.NATIVE) {
            return nativeJson(t);
        }
        ObjectNode n = format == DatagenConfig.Format.TRL ? trl(t, spelling) : axolotl(t, spelling);
        try {
            return MAPPER.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The native trace ({@link TraceLine}), streamed field by field (no intermediate tree: datagen writes thousands a
     * second); a round-trip test holds the two to the same JSON.
     */
    static String nativeJson(Trace t) {
        CharArrayWriter w = new CharArrayWriter(8192); // char[] backed: no per-append Latin-1 check as in StringWriter
        try (JsonGenerator g = MAPPER.getFactory().createGenerator(w)) {
            g.writeStartObject();
            g.writeStringField("schema", TraceLine.SCHEMA);
            g.writeStringField("id", t.id());
            g.writeNumberField("seed", t.seed());
            g.writeStringField("source", t.source());
            g.writeStringField("shape", t.task().shape());
            if (t.task().split() != null) {
                g.writeStringField("split", t.task().split());
            }
            g.writeStringField("policy", t.policy());
            g.writeStringField("method", t.outcome().method().id());
            g.writeStringField("tokenizer", t.tokenizer());
            g.writeNumberField("tpot_ms", t.tpotMs());
            g.writeNumberField("prefill_ms_per_token", t.prefillMsPerToken());
            g.writeArrayFieldStart("tools");
            for (ObjectNode tool : t.tools()) {
                g.writeTree(tool);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("messages");
            message(g, "system", t.system());
            message(g, "user", t.task().scenario().userPrompt());
            g.writeEndArray();
            g.writeArrayFieldStart("assistant");
            for (Segment s : t.outcome().segments()) {
                g.writeStartObject();
                g.writeStringField("kind", s.kind() == Segment.Kind.MODEL ? "model" : "interrupt");
                g.writeStringField("text", s.text());
                g.writeNumberField("tokens", s.tokens());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("dag");
            for (ScenarioCall c : t.calls()) {
                g.writeStartObject();
                g.writeStringField("id", c.id());
                g.writeStringField("function", c.function());
                g.writeArrayFieldStart("deps");
                for (String d : c.deps()) {
                    g.writeString(d);
                }
                g.writeEndArray();
                g.writeNumberField("estimated_ms", c.estimatedNanos() / 1e6);
                g.writeNumberField("exec_ms", c.execNanos() / 1e6);
                g.writeNumberField("decode_ms", t.bounds().decode(c) / 1e6);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("follow_ups");
            for (FollowUp f : t.task().scenario().followUps()) {
                g.writeStartObject();
                g.writeNumberField("at_ms", f.atNanos() / 1e6);
                g.writeStringField("text", f.text());
                g.writeArrayFieldStart("calls");
                for (String c : f.calls()) {
                    g.writeString(c);
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("schedule");
            for (CallRecord r : t.outcome().calls()) {
                g.writeStartObject();
                g.writeStringField("id", r.id());
                g.writeNumberField("block_start_ms", r.blockStart() / 1e6);
                g.writeNumberField("issued_ms", r.blockEnd() / 1e6);
                g.writeNumberField("started_ms", r.startedAt() / 1e6);
                g.writeNumberField("completed_ms", r.arrivedAt() / 1e6);
                g.writeNumberField("injected_ms", r.injectedAt() / 1e6);
                g.writeEndObject();
            }
            g.writeEndArray();
            Outcome o = t.outcome();
            g.writeNumberField("makespan_ms", o.makespanNanos() / 1e6);
            g.writeNumberField("last_result_ms", o.lastResultNanos() / 1e6);
            g.writeNumberField("lower_bound_ms", t.bounds().lowerBound() / 1e6);
            g.writeNumberField("sync_makespan_ms", t.syncMakespanNanos() / 1e6);
            g.writeNumberField("prompt_tokens", t.promptTokens());
            g.writeNumberField("assistant_tokens", t.assistantTokens());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    private static void message(JsonGenerator g, String role, String content) throws IOException {
        g.writeStartObject();
        g.writeStringField("role", role);
        g.writeStringField("content", content);
        g.writeEndObject();
    }

    /**
     * TRL's messages, without a {@code tools} column: the system prompt already lists the functions as the runtime
     * shows them, and per-row tool schemas would not fit one Arrow schema in {@code datasets}.
     */
    static ObjectNode trl(Trace t, UnaryOperator<String> spelling) {
        ObjectNode n = F.objectNode();
        ArrayNode messages = n.putArray("messages");
        messages.addObject().put("role", "system").put("content", spelling.apply(t.system()));
        messages.addObject().put("role", "user").put("content", spelling.apply(t.task().scenario().userPrompt()));
        ObjectNode current = null;
        for (Segment s : t.outcome().segments()) {
            String role = s.kind() == Segment.Kind.MODEL ? "assistant" : "tool";
            if (current == null || !current.get("role").asText().equals(role)) {
                current = messages.addObject().put("role", role).put("content", "");
            }
            current.put("content", current.get("content").asText() + spelling.apply(s.text()));
        }
        return n;
    }

    /** The Jinja chat template that renders a {@code trl} line as the runtime lays the turn out. */
    public static String chatTemplate() {
        try (InputStream in = TraceWriter.class.getResourceAsStream(CHAT_TEMPLATE)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ObjectNode axolotl(Trace t, UnaryOperator<String> spelling) {
        ObjectNode n = F.objectNode();
        ArrayNode segments = n.putArray("segments");
        segments.addObject().put("label", false)
                .put("text", spelling.apply(ChatPrompt.render(t.system(), t.task().scenario().userPrompt())));
        for (Segment s : t.outcome().segments()) {
            segments.addObject().put("label", s.kind() == Segment.Kind.MODEL).put("text", spelling.apply(s.text()));
        }
        segments.addObject().put("label", true).put("text", ByteTokenizer.SPECIALS.get(4)); // <|eot_id|>
        return n;
    }
}
