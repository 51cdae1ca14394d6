package org.asynclm.runtime.prompt;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collection;
import java.util.List;
import org.asynclm.cml.CmlWriter;
import org.asynclm.runtime.Method;
import org.asynclm.runtime.exec.Tool;

/** The Llama 3 chat layout with the CML system prompt: tools listed as JSON with their estimated times. */
public final class ChatPrompt {
    /** The line that opens the function list in both system prompts. */
    private static final String FUNCTIONS_HEADING = "Functions (JSON, with estimated_time_ms):";

    public static final String CML_INSTRUCTIONS = """
            You can call functions asynchronously. Write a call as [CALL]id[HEAD]function(arg=value, ...)[END] and \
            keep writing while it runs; its result arrives as [INTR]id[HEAD]result[END]. Start calls that do not \
            depend on each other early, longest estimated time first. When you have nothing to do until a result \
            arrives, write [TRAP][END]. Never write [INTR] yourself.
            """ + FUNCTIONS_HEADING + "\n";

    /** The same protocol for a model that waits at every call (trained on Sync traces). */
    public static final String SYNC_INSTRUCTIONS = """
            You can call functions. Write a call as [CALL]id[HEAD]function(arg=value, ...)[END]; generation pauses \
            until its result arrives as [INTR]id[HEAD]result[END]. Never write [INTR] yourself.
            """ + FUNCTIONS_HEADING + "\n";

    private ChatPrompt() {
    }

    public static String system(Collection<Tool> tools) {
        return system(tools.stream().map(Tool::schema).toList());
    }

    /** The system prompt for tools given as their JSON schemas. */
    public static String system(List<ObjectNode> schemas) {
        return system(schemas, Method.ASYNC);
    }

    /** The system prompt for a model that calls under {@code method}: Sync's never mentions traps. */
    public static String system(List<ObjectNode> schemas, Method method) {
        ArrayNode list = JsonNodeFactory.instance.arrayNode();
        schemas.forEach(list::add);
        return (method == Method.SYNC ? SYNC_INSTRUCTIONS : CML_INSTRUCTIONS) + CmlWriter.json(list);
    }

    /** A system prompt's instructions without the function list that follows them (the whole text if it has none). */
    public static String instructions(String system) {
        int list = system.indexOf(FUNCTIONS_HEADING);
        return list < 0 ? system : system.substring(0, list).stripTrailing();
    }

    /** The prompt up to the assistant header, where the model starts writing. */
    public static String render(String system, String user) {
        return render(List.of(new Turn("system", system), new Turn("user", user)));
    }

    /** One message of a conversation: its role (system, user, assistant, tool) and its text. */
    public record Turn(String role, String content) {
    }

    /** A conversation in Llama 3's layout, up to the assistant header where the model starts writing. */
    public static String render(List<Turn> turns) {
        return "<|begin_of_text|>" + continuation(turns);
    }

    /**
     * Messages that continue a conversation the model already holds (after its end-of-turn token), up to the next
     * assistant header: what to append to a context instead of rendering the whole conversation again.
     */
    public static String continuation(List<Turn> turns) {
        StringBuilder p = new StringBuilder();
        for (Turn t : turns) {
            p.append("<|start_header_id|>").append(t.role()).append("<|end_header_id|>\n\n").append(t.content())
                    .append("<|eot_id|>");
        }
        return p.append("<|start_header_id|>assistant<|end_header_id|>\n\n").toString();
    }
}
