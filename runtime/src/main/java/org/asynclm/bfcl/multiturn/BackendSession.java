package org.asynclm.bfcl.multiturn;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.asynclm.cml.PyCall;
import org.asynclm.cml.PySyntaxException;

/**
 * The live backend instances of one multi-turn entry for one side (a model's, or the ground truth's), as BFCL's
 * {@code execute_multi_turn_func_call} keeps them: each involved class is loaded once from the entry's
 * {@code initial_config} and keeps its state across turns. A call names a bare method, which binds to the
 * instance that has it (a later class wins a shared name, as in BFCL's mapping). Anything else is refused:
 * there is no evaluation of arbitrary code. Results come back as BFCL serialises them for the model.
 */
public final class BackendSession {
    /** BFCL refuses these names before evaluating a call. */
    private static final Set<String> DENIED = Set.of("kill", "exit", "quit", "remove", "unlink", "popen", "Popen",
            "run");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<BackendClass, Backend> instances = new LinkedHashMap<>();
    private final Map<String, Backend> byMethod = new LinkedHashMap<>();

    /**
     * @param initialConfig the entry's {@code initial_config}, as {@link Py#fromJson} reads it; it is copied
     * @param longContext   whether the classes load their long-context padding (the long_context category)
     */
    @SuppressWarnings("unchecked")
    public BackendSession(Map<Object, Object> initialConfig, List<BackendClass> involved, boolean longContext) {
        for (BackendClass c : involved) {
            Backend b = c.create();
            if (!c.stateless()) {
                Object config = initialConfig.getOrDefault(c.pythonName(), new LinkedHashMap<>());
                b.load((Map<Object, Object>) Py.deepCopy(config), longContext);
            }
            instances.put(c, b);
            for (String m : b.methodNames()) {
                byMethod.put(m, b);
            }
        }
    }

    public Map<BackendClass, Backend> instances() {
        return Collections.unmodifiableMap(instances);
    }

    /** Executes one call string, such as {@code cd(folder='document')}, positional arguments included. */
    public String execute(String callString) {
        String name = callString.contains("(") ? callString.substring(0, callString.indexOf('(')) : callString;
        if (name.contains(".")) {
            name = name.split("\\.", -1)[1];
        }
        if (DENIED.contains(name.strip())) {
            return error("Function call " + name + " is not allowed.");
        }
        PyCall call;
        try {
            call = PyCall.parse(callString);
        } catch (PySyntaxException e) {
            return error("invalid syntax (<string>, line 1)");
        }
        return execute(call.function(), call.positional(), call.keywords());
    }

    /** Executes one decoded call. */
    public String execute(String function, List<Object> positional, Map<String, Object> keywords) {
        if (function.contains(".")) {
            // BFCL would prefix the method with an instance and evaluate; the first name is then undefined
            return error("name '" + function.substring(0, function.indexOf('.')) + "' is not defined");
        }
        if (DENIED.contains(function)) {
            return error("Function call " + function + " is not allowed.");
        }
        Backend backend = byMethod.get(function);
        if (backend == null) {
            return error("name '" + function + "' is not defined");
        }
        try {
            return serialise(backend.call(function, positional, keywords));
        } catch (PyException e) {
            return error(e.getMessage());
        }
    }

    private static String error(String message) {
        return "Error during execution: " + message;
    }

    /**
     * A result as a model reads it in an interrupt: the JSON of a dict as JSON, any other text (None, a list's
     * {@code str()}, an error) as a string.
     */
    public static JsonNode readable(String result) {
        try {
            JsonNode parsed = JSON.readTree(result);
            if (parsed != null && parsed.isContainerNode()) {
                return parsed;
            }
        } catch (JsonProcessingException notJson) {
            // text, not JSON
        }
        return TextNode.valueOf(result);
    }

    /** BFCL's result serialisation: a str as it is, a dict by {@code json.dumps} (else {@code str}), else {@code str}. */
    static String serialise(Object result) {
        if (result instanceof String s) {
            return s;
        }
        if (result instanceof Map) {
            try {
                return Py.jsonDumps(result);
            } catch (Py.NotJsonSerializable e) {
                return Py.str(result);
            }
        }
        return Py.str(result);
    }
}
