package org.asynclm.runtime.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.asynclm.runtime.exec.Invocation;
import org.asynclm.runtime.exec.Tool;

/**
 * Simulated tools for a scenario, one per function. A call is answered with the result of the scenario call it
 * matches (same id and arguments, else the first unanswered call with the same arguments) after that call's
 * execution time; a call whose arguments match nothing fails, which is how a model that copied a value wrong is
 * caught.
 */
public final class ScenarioTools {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ScenarioTools() {
    }

    public static Map<String, Tool> of(Scenario scenario) {
        Map<String, JsonNode> truth = new HashMap<>();
        scenario.calls().forEach(c -> truth.put(c.id(), c.result()));
        Map<String, List<ScenarioCall>> byFunction = new LinkedHashMap<>();
        scenario.calls().forEach(c -> byFunction.computeIfAbsent(c.function(), f -> new ArrayList<>()).add(c));
        Map<String, Tool> tools = new LinkedHashMap<>();
        byFunction.forEach((f, calls) -> tools.put(f, new SimulatedTool(f, calls, truth)));
        return tools;
    }

    private static final class SimulatedTool implements Tool {
        private final String name;
        private final List<ScenarioCall> calls;
        private final List<JsonNode> expectedArgs = new ArrayList<>();
        private final Set<String> answered = new HashSet<>();
        private final ObjectNode schema;
        private final long estimate;

        SimulatedTool(String name, List<ScenarioCall> calls, Map<String, JsonNode> truth) {
            this.name = name;
            this.calls = calls;
            for (ScenarioCall c : calls) {
                expectedArgs.add(MAPPER.valueToTree(Scenario.resolve(c, truth)));
            }
            this.estimate = Math.round(calls.stream().mapToLong(ScenarioCall::estimatedNanos).average().orElse(0));
            this.schema = schemaOf(name, calls.get(0), expectedArgs.get(0), estimate);
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public ObjectNode schema() {
            return schema.deepCopy();
        }

        @Override
        public long estimatedNanos() {
            return estimate;
        }

        @Override
        public Object invoke(Invocation inv) throws Exception {
            JsonNode given = MAPPER.valueToTree(inv.arguments());
            ScenarioCall match = match(inv.callId(), given);
            if (match == null) {
                throw new IllegalArgumentException("no pending " + name + " call takes these arguments: " + given);
            }
            inv.sleep(match.execNanos());
            return match.result();
        }

        private synchronized ScenarioCall match(String id, JsonNode given) {
            ScenarioCall found = null;
            for (int k = 0; k < calls.size(); k++) {
                ScenarioCall c = calls.get(k);
                if (!answered.contains(c.id()) && expectedArgs.get(k).equals(given)) {
                    if (c.id().equals(id)) {
                        found = c;
                        break;
                    }
                    if (found == null) {
                        found = c;
                    }
                }
            }
            if (found != null) {
                answered.add(found.id());
            }
            return found;
        }

        private static ObjectNode schemaOf(String name, ScenarioCall example, JsonNode args, long estimate) {
            ObjectNode s = JsonNodeFactory.instance.objectNode();
            s.put("name", name);
            s.put("description", name.replace('_', ' ') + ".");
            ObjectNode params = s.putObject("parameters");
            params.put("type", "dict");
            ObjectNode props = params.putObject("properties");
            ArrayNode required = params.putArray("required");
            args.fields().forEachRemaining(e -> {
                props.putObject(e.getKey()).put("type", typeOf(e.getValue()));
                required.add(e.getKey());
            });
            s.put("estimated_time_ms", Math.round(estimate / 1e3) / 1e3);
            return s;
        }

        private static String typeOf(JsonNode v) {
            if (v.isTextual()) {
                return "string";
            }
            if (v.isIntegralNumber()) {
                return "integer";
            }
            if (v.isNumber()) {
                return "float";
            }
            if (v.isBoolean()) {
                return "boolean";
            }
            if (v.isArray()) {
                return "array";
            }
            return v.isObject() ? "dict" : "any";
        }
    }
}
