package org.asynclm.runtime.prompt;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collection;
import java.util.List;
import org.asynclm.runtime.Method;
import org.asynclm.runtime.exec.Tool;

/**
 * The Llama 3 chat layout with the CML system prompt: the protocol's instructions, then the tools with their
 * estimated times, listed as {@link FunctionListing} says.
 */
public final class ChatPrompt {
    public static final String CML_INSTRUCTIONS = """
            You can call functions asynchronously. Write a call as [CALL]id[HEAD]function(arg=value, ...)[END] and \
            keep writing while it runs; its result arrives as [INTR]id[HEAD]result[END]. Start calls that do not \
            depend on each other early, longest estimated time first. When you have nothing to do until a result \
            arrives, write [TRAP][END]. Never write [INTR] yourself.
            """;

    /** The same protocol for a model that waits at every call (trained on Sync traces). */
    public static final String SYNC_INSTRUCTIONS = """
            You can call functions. Write a call as [CALL]id[HEAD]function(arg=value, ...)[END]; generation pauses \
            until its result arrives as [INTR]id[HEAD]result[END]. Never write [INTR] yourself.
            """;

    private ChatPrompt() {
    }

    /** The system prompt of an Async model for {@code tools}, listed as JSON (the simulator's, for its prefill). */
    public static String system(Collection<Tool> tools) {
        return system(tools, FunctionListing.JSON);
    }

    /** The system prompt of an Async model for {@code tools}, listed as {@code listing}. */
    public static String system(Collection<Tool> tools, FunctionListing listing) {
        return system(tools.stream().map(Tool::schema).toList(), Method.ASYNC, listing);
    }

    /** The system prompt for a model that calls under {@code method} and reads its functions as {@code listing}. */
    public static String system(List<ObjectNode> schemas, Method method, FunctionListing listing) {
        return (method == Method.SYNC ? SYNC_INSTRUCTIONS : CML_INSTRUCTIONS) + listing.heading() + "\n"
                + listing.list(schemas);
    }

    /** A system prompt's instructions without the function list that follows them (the whole text if it has none). */
    public static String instructions(String system) {
        for (FunctionListing listing : FunctionListing.values()) {
            int list = system.indexOf(listing.heading());
            if (list >= 0) {
                return system.substring(0, list).stripTrailing();
            }
        }
        return system;
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
