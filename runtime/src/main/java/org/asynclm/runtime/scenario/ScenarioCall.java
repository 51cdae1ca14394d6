package org.asynclm.runtime.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One call of a task: argument values are Python-literal Java values or {@link Ref}s; {@code deps} lists every
 * call whose result it needs (all refs included); {@code estimatedNanos} is what the model is told,
 * {@code execNanos} what the call really takes; {@code result} is what the simulated tool returns.
 */
public record ScenarioCall(String id, String function, Map<String, Object> arguments, List<String> deps,
                           long estimatedNanos, long execNanos, JsonNode result) {
    public ScenarioCall {
        arguments = Collections.unmodifiableMap(new LinkedHashMap<>(arguments));
        deps = List.copyOf(deps);
    }
}
