package org.asynclm.runtime.scenario;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.asynclm.cml.CmlWriter;
import org.asynclm.runtime.BadInputException;
import org.asynclm.runtime.CostModel;

/**
 * Scenario files: {@code {"name", "user", "final_answer", "calls": [{"id", "function", "arguments", "deps",
 * "exec_ms", "estimated_ms", "result"}]}}. An argument {@code {"$ref": "a", "path": "/x"}} copies from a's result.
 * Errors name the file, the line and the field.
 */
public final class ScenarioJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Set<String> TOP_KEYS = Set.of("name", "user", "final_answer", "calls");
    private static final Set<String> CALL_KEYS =
            Set.of("id", "function", "arguments", "deps", "exec_ms", "estimated_ms", "result");
    public static final String DEFAULT_FINAL_ANSWER = "Done.";

    private ScenarioJson() {
    }

    public static Scenario read(Path file) throws BadInputException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new BadInputException(file + ": no such file");
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot read: " + e.getMessage());
        }
        Map<String, Integer> lines = new HashMap<>();
        JsonNode root;
        try {
            try (JsonParser p = MAPPER.createParser(bytes)) {
                JsonToken t;
                while ((t = p.nextToken()) != null) {
                    if (t != JsonToken.FIELD_NAME) {
                        lines.putIfAbsent(p.getParsingContext().pathAsPointer().toString(),
                                p.currentTokenLocation().getLineNr());
                    }
                }
            }
            root = MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new BadInputException(file + ":" + e.getLocation().getLineNr() + ": malformed JSON: "
                    + e.getOriginalMessage());
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot read: " + e.getMessage());
        }
        return new Reader(file, lines).scenario(root);
    }

    private record Reader(Path file, Map<String, Integer> lines) {

        BadInputException error(String pointer, String message) {
            String p = pointer;
            Integer line = null;
            while (line == null && !p.isEmpty()) {
                line = lines.get(p);
                p = p.substring(0, Math.max(0, p.lastIndexOf('/')));
            }
            if (line == null) {
                line = lines.getOrDefault("", 1);
            }
            String field = pointer.isEmpty() ? "" : " " + pointer.substring(1).replace('/', '.') + ":";
            return new BadInputException(file + ":" + line + ":" + field + " " + message);
        }

        Scenario scenario(JsonNode root) throws BadInputException {
            if (root == null || !root.isObject()) {
                throw error("", "a scenario is a JSON object with a \"calls\" array");
            }
            unknownKeys(root, "", TOP_KEYS);
            JsonNode calls = root.get("calls");
            if (calls == null || !calls.isArray() || calls.isEmpty()) {
                throw error("/calls", "\"calls\" must be a non-empty array");
            }
            List<ScenarioCall> list = new ArrayList<>();
            for (int i = 0; i < calls.size(); i++) {
                list.add(call(calls.get(i), "/calls/" + i));
            }
            Map<String, ScenarioCall> byId = new LinkedHashMap<>();
            list.forEach(c -> byId.putIfAbsent(c.id(), c));
            for (int i = 0; i < list.size(); i++) {
                for (Map.Entry<String, Object> a : list.get(i).arguments().entrySet()) {
                    checkRefs(a.getValue(), "/calls/" + i + "/arguments/" + a.getKey(), byId);
                }
            }
            try {
                return new Scenario(text(root, "", "name", "scenario"), text(root, "", "user", ""), list,
                        text(root, "", "final_answer", DEFAULT_FINAL_ANSWER));
            } catch (IllegalArgumentException e) {
                throw error("/calls", e.getMessage());
            }
        }

        ScenarioCall call(JsonNode node, String at) throws BadInputException {
            if (!node.isObject()) {
                throw error(at, "each call is a JSON object");
            }
            unknownKeys(node, at, CALL_KEYS);
            String id = required(node, at, "id").asText();
            if (!node.get("id").isTextual()) {
                throw error(at + "/id", "must be a string");
            }
            JsonNode fn = required(node, at, "function");
            if (!fn.isTextual() || !fn.asText().matches("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*")) {
                throw error(at + "/function", "must be a (dotted) Python name");
            }
            double execMs = milliseconds(required(node, at, "exec_ms"), at + "/exec_ms");
            double estMs = node.has("estimated_ms") ? milliseconds(node.get("estimated_ms"), at + "/estimated_ms")
                    : execMs;
            Map<String, Object> args = new LinkedHashMap<>();
            JsonNode a = node.get("arguments");
            if (a != null) {
                if (!a.isObject()) {
                    throw error(at + "/arguments", "must be an object of keyword arguments");
                }
                for (Iterator<Map.Entry<String, JsonNode>> it = a.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    args.put(e.getKey(), value(e.getValue(), at + "/arguments/" + e.getKey()));
                }
            }
            List<String> deps = new ArrayList<>();
            JsonNode d = node.get("deps");
            if (d != null) {
                if (!d.isArray()) {
                    throw error(at + "/deps", "must be an array of call ids");
                }
                for (int k = 0; k < d.size(); k++) {
                    if (!d.get(k).isTextual()) {
                        throw error(at + "/deps/" + k, "must be a call id string");
                    }
                    deps.add(d.get(k).asText());
                }
            }
            for (String r : Scenario.refsOf(args.values())) {
                if (!deps.contains(r)) {
                    deps.add(r);
                }
            }
            JsonNode result = node.has("result") ? node.get("result")
                    : JsonNodeFactory.instance.objectNode().put("status", "ok");
            return new ScenarioCall(id, fn.asText(), args, deps, CostModel.msToNanos(estMs), CostModel.msToNanos(execMs),
                    result);
        }

        Object value(JsonNode v, String at) throws BadInputException {
            if (v.isObject() && v.has("$ref")) {
                if (!v.get("$ref").isTextual()) {
                    throw error(at + "/$ref", "must be a call id");
                }
                String path = v.has("path") ? v.get("path").asText() : "";
                if (!path.isEmpty() && !path.startsWith("/")) {
                    throw error(at + "/path", "must be a JSON Pointer such as \"/flight_id\"");
                }
                return new Ref(v.get("$ref").asText(), path);
            }
            if (v.isFloatingPointNumber() && !Double.isFinite(v.doubleValue())) {
                throw error(at, "must be a finite number");
            }
            return CmlWriter.fromJson(v);
        }

        /** A reference must name a call whose result holds the value at its pointer: it is copied from there. */
        void checkRefs(Object value, String at, Map<String, ScenarioCall> calls) throws BadInputException {
            if (value instanceof Ref r) {
                ScenarioCall source = calls.get(r.call());
                if (source == null) {
                    throw error(at + "/$ref", "'" + r.call() + "' is not a call of this scenario");
                }
                if (!r.pointer().isEmpty() && source.result().at(r.pointer()).isMissingNode()) {
                    throw error(at + "/path", "'" + r.pointer() + "' is not in the result of call '" + r.call()
                            + "' (" + source.result() + ")");
                }
            } else if (value instanceof Map<?, ?> m) {
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    checkRefs(e.getValue(), at + "/" + e.getKey(), calls);
                }
            } else if (value instanceof List<?> l) {
                for (int k = 0; k < l.size(); k++) {
                    checkRefs(l.get(k), at + "/" + k, calls);
                }
            }
        }

        /** A day: beyond it a tool's time is a mistake, and nanoseconds would soon overflow. */
        private static final double MAX_MS = 86_400_000;

        double milliseconds(JsonNode v, String at) throws BadInputException {
            if (!v.isNumber() || !(v.doubleValue() >= 0) || v.doubleValue() > MAX_MS) {
                throw error(at, "must be a number of milliseconds from 0 to 86,400,000 (a day)");
            }
            return v.doubleValue();
        }

        JsonNode required(JsonNode node, String at, String key) throws BadInputException {
            JsonNode v = node.get(key);
            if (v == null || v.isNull()) {
                throw error(at, "missing field \"" + key + "\"");
            }
            return v;
        }

        String text(JsonNode node, String at, String key, String fallback) throws BadInputException {
            JsonNode v = node.get(key);
            if (v == null) {
                return fallback;
            }
            if (!v.isTextual()) {
                throw error(at + "/" + key, "must be a string");
            }
            return v.asText();
        }

        void unknownKeys(JsonNode node, String at, Set<String> allowed) throws BadInputException {
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!allowed.contains(k)) {
                    throw error(at + "/" + k, "unknown field (expected one of " + new TreeSet<>(allowed) + ")");
                }
            }
        }
    }

    /** The scenario in the same format {@link #read} takes. */
    public static ObjectNode toJson(Scenario s) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("name", s.name());
        root.put("user", s.userPrompt());
        root.put("final_answer", s.finalAnswer());
        ArrayNode calls = root.putArray("calls");
        for (ScenarioCall c : s.calls()) {
            ObjectNode n = calls.addObject();
            n.put("id", c.id());
            n.put("function", c.function());
            ObjectNode args = n.putObject("arguments");
            c.arguments().forEach((k, v) -> args.set(k, valueJson(v)));
            ArrayNode deps = n.putArray("deps");
            c.deps().forEach(deps::add);
            n.put("exec_ms", c.execNanos() / 1e6);
            n.put("estimated_ms", c.estimatedNanos() / 1e6);
            n.set("result", c.result());
        }
        return root;
    }

    private static JsonNode valueJson(Object v) {
        if (v instanceof Ref r) {
            ObjectNode n = JsonNodeFactory.instance.objectNode().put("$ref", r.call());
            if (!r.pointer().isEmpty()) {
                n.put("path", r.pointer());
            }
            return n;
        }
        if (v instanceof List<?> list) {
            ArrayNode a = JsonNodeFactory.instance.arrayNode();
            list.forEach(x -> a.add(valueJson(x)));
            return a;
        }
        if (v instanceof Map<?, ?> map) {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            map.forEach((k, x) -> o.set(String.valueOf(k), valueJson(x)));
            return o;
        }
        return MAPPER.valueToTree(v);
    }
}
