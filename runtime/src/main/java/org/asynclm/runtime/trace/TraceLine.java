package org.asynclm.runtime.trace;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Locale;
import org.asynclm.runtime.BadInputException;
import org.asynclm.runtime.Method;
import org.asynclm.runtime.config.ConfigName;
import org.asynclm.runtime.config.JsonProblems;

/**
 * One line of a native trace file, schema {@value #SCHEMA}: the contract between datagen, which writes it (through a
 * streaming fast path that a round-trip test holds to this type), {@code datagen validate}, which replays it, and
 * training, which learns from it. Times are milliseconds on the trace's virtual clock.
 *
 * @param split  the BFCL split the task came from; null for synthetic tasks
 * @param method how the teacher's calls ran (async or sync); null in traces from before it was recorded
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"schema", "id", "seed", "source", "shape", "split", "policy", "method", "tokenizer", "tpot_ms",
    "prefill_ms_per_token", "tools", "messages", "assistant", "dag", "follow_ups", "schedule", "makespan_ms",
    "last_result_ms", "lower_bound_ms", "sync_makespan_ms", "prompt_tokens", "assistant_tokens"})
public record TraceLine(@JsonProperty(required = true) String schema, @JsonProperty(required = true) String id,
                        long seed, @JsonProperty(required = true) String source, String shape, String split,
                        String policy, Method method, @JsonProperty(required = true) String tokenizer,
                        @JsonProperty(required = true) double tpotMs,
                        @JsonProperty(required = true) double prefillMsPerToken, List<JsonNode> tools,
                        @JsonProperty(required = true) List<Message> messages,
                        @JsonProperty(required = true) List<Segment> assistant,
                        @JsonProperty(required = true) List<DagCall> dag, List<FollowUp> followUps,
                        List<Scheduled> schedule, @JsonProperty(required = true) double makespanMs,
                        double lastResultMs, double lowerBoundMs, double syncMakespanMs, int promptTokens,
                        int assistantTokens) {

    public static final String SCHEMA = "asynclm.trace/1";

    /** A chat message: the system prompt (with the tools), then the user's request. */
    public record Message(String role, String content) {
    }

    /** A stretch of the assistant's turn: what the model wrote, or an interrupt the runtime injected. */
    public record Segment(@JsonProperty(required = true) Kind kind, @JsonProperty(required = true) String text,
                          int tokens) {
        public enum Kind implements ConfigName { MODEL, INTERRUPT }

        public boolean model() {
            return kind == Kind.MODEL;
        }
    }

    /** A call of the task's DAG, with its times. */
    public record DagCall(@JsonProperty(required = true) String id, String function, List<String> deps,
                          double estimatedMs, @JsonProperty(required = true) double execMs, double decodeMs) {
        public DagCall {
            deps = deps == null ? List.of() : List.copyOf(deps);
        }
    }

    /** A user's follow-up, arriving at {@code atMs}, asking for {@code calls}. */
    public record FollowUp(@JsonProperty(required = true) double atMs, String text, List<String> calls) {
    }

    /** When a call's block began and ended, it started and completed, and its result was injected. */
    public record Scheduled(String id, double blockStartMs, double issuedMs, double startedMs, double completedMs,
                            double injectedMs) {
    }

    public TraceLine {
        tools = tools == null ? List.of() : List.copyOf(tools);
        followUps = followUps == null ? List.of() : List.copyOf(followUps);
        schedule = schedule == null ? List.of() : List.copyOf(schedule);
    }

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    /** The user's request: the second message. */
    public String user() {
        return messages.size() > 1 ? messages.get(1).content() : "";
    }

    /**
     * Reads one line. A line that is not JSON, not of this schema, or lacks a field (or has one of the wrong type) is
     * one message naming the field, such as {@code assistant[2].kind: missing}.
     */
    public static TraceLine parse(String json) throws BadInputException {
        JsonNode tree;
        try {
            tree = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new BadInputException("not JSON: " + e.getOriginalMessage().lines().findFirst().orElse(""));
        }
        if (!SCHEMA.equals(tree.path("schema").asText())) {
            throw new BadInputException("schema: expected " + SCHEMA + ", got " + tree.path("schema"));
        }
        try {
            return JSON.treeToValue(tree, TraceLine.class);
        } catch (JsonProcessingException e) {
            throw new BadInputException(describe(e));
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
    }

    /** The line as JSON, in the writer's field order. */
    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String describe(JsonProcessingException e) {
        String field = JsonProblems.path(e, true);
        String what;
        if (e instanceof UnrecognizedPropertyException u) {
            field = field.isEmpty() ? u.getPropertyName() : field;
            what = "unknown field";
        } else if (e.getOriginalMessage().startsWith("Missing required creator property")) {
            String name = e.getOriginalMessage().replaceFirst("^Missing required creator property '([^']*)'.*$", "$1");
            field = field.isEmpty() ? name : field.endsWith(name) ? field : field + "." + name;
            what = "missing";
        } else if (e instanceof MismatchedInputException mi && mi.getTargetType() != null) {
            what = "expected " + (mi.getTargetType().isEnum() ? "one of " + Arrays.stream(
                    mi.getTargetType().getEnumConstants()).map(c -> ((ConfigName) c).id()).toList()
                    : mi.getTargetType().getSimpleName().toLowerCase(Locale.ROOT));
        } else {
            what = e.getOriginalMessage().lines().findFirst().orElse("");
        }
        return (field.isEmpty() ? "" : field + ": ") + what;
    }
}
