package org.asynclm.runtime.prompt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.asynclm.cml.CmlWriter;
import org.asynclm.runtime.config.ConfigName;

/**
 * How the system prompt lists the functions. {@link #JSON} writes each schema whole, as BFCL's prompts do and as a
 * pretrained model has read tool lists. {@link #SIGNATURES} writes one line a function, its Python signature, its
 * estimated time and what it does. For a model trained from scratch that is less to read: on the quickstart's traces
 * a four-function list fell from about 281 tokens to 168 and the traces' tokens by 17%, so a packed row holds more
 * examples, and the quickstart's recipe got more held-out tasks right (README, learning table rows 49 and 51).
 */
public enum FunctionListing implements ConfigName {
    JSON("Functions (JSON, with estimated_time_ms):") {
        @Override
        String list(List<ObjectNode> schemas) {
            ArrayNode list = JsonNodeFactory.instance.arrayNode();
            schemas.forEach(list::add);
            return CmlWriter.json(list);
        }
    },
    SIGNATURES("Functions (signature, estimated time, what it does):") {
        @Override
        String list(List<ObjectNode> schemas) {
            List<String> lines = new ArrayList<>();
            for (ObjectNode s : schemas) {
                lines.add(line(s));
            }
            return String.join("\n", lines);
        }
    };

    private final String heading;

    FunctionListing(String heading) {
        this.heading = heading;
    }

    /** The line that opens the function list, after the instructions. */
    public String heading() {
        return heading;
    }

    /** The function list under the heading. */
    abstract String list(List<ObjectNode> schemas);

    /** {@code name(a: str, b: list[str], c: int = 3) 83.391 ms: What it does.} */
    static String line(ObjectNode schema) {
        StringBuilder sb = new StringBuilder(schema.path("name").asText()).append('(');
        JsonNode params = schema.path("parameters");
        List<String> required = new ArrayList<>();
        params.path("required").forEach(r -> required.add(r.asText()));
        boolean first = true;
        for (Map.Entry<String, JsonNode> p : params.path("properties").properties()) {
            sb.append(first ? "" : ", ").append(p.getKey()).append(": ").append(type(p.getValue()));
            first = false;
            if (!required.contains(p.getKey())) {
                sb.append(" = ").append(CmlWriter.pyLiteral(CmlWriter.fromJson(p.getValue().get("default"))));
            }
        }
        sb.append(')');
        JsonNode estimate = schema.get("estimated_time_ms");
        if (estimate != null && estimate.isNumber()) {
            sb.append(' ').append(estimate.asText()).append(" ms");
        }
        String description = schema.path("description").asText("");
        return description.isEmpty() ? sb.toString() : sb.append(": ").append(description).toString();
    }

    /** A parameter's type as Python spells it: BFCL's names (string, integer, float, dict, ...) mapped. */
    private static String type(JsonNode param) {
        if (param.has("enum")) {
            List<String> options = new ArrayList<>();
            param.get("enum").forEach(v -> options.add(CmlWriter.pyLiteral(CmlWriter.fromJson(v))));
            return String.join(" | ", options);
        }
        String type = param.path("type").asText("any");
        return switch (type) {
            case "string" -> "str";
            case "integer" -> "int";
            case "float", "number" -> "float";
            case "boolean" -> "bool";
            case "array" -> param.has("items") ? "list[" + type(param.get("items")) + "]" : "list";
            case "dict", "object" -> "dict";
            default -> type;
        };
    }
}
