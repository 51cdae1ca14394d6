package org.asynclm.eval.bfcl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * BFCL v4's system prompt for prompting models (the default classic, plaintext, json, python format): the fixed
 * instructions, then the functions as Python's {@code json.dumps(functions, indent=4)} prints them, each
 * description carrying the language hint BFCL adds at inference. Java and JavaScript parameters are shown as strings.
 */
public final class BfclPrompt {
    static final String INSTRUCTIONS = "You are an expert in composing functions.You are given a question and a set of "
            + "possible functions. Based on the question, you will need to make one or more function/tool calls to "
            + "achieve the purpose. If none of the functions can be used, point it out. If the given question lacks the "
            + "parameters required by the function, also point it out.\n\nYou should only return the function calls in "
            + "your response.\n\nIf you decide to invoke any of the function(s), you MUST put it in the format of "
            + "[func_name1(params_name1=params_value1, params_name2=params_value2...), func_name2(params)].  You SHOULD "
            + "NOT include any other text in the response.\n\nAt each turn, you should try your best to complete the "
            + "tasks requested by the user within the current turn. Continue to output functions to call until you "
            + "have fulfilled the user's request to the best of your ability. Once you have no more functions to call, "
            + "the system will consider the current turn complete and proceed to the next turn or task.\n\nHere is a "
            + "list of functions in json format that you can invoke.\n";

    /** Python's json.dumps(indent=4): ": " after keys, one item per line, non-ASCII escaped. */
    private static final ObjectMapper PYTHON_JSON = JsonMapper.builder()
            .enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();
    private static final DefaultPrettyPrinter INDENT_4 = new DefaultPrettyPrinter(
            Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                    .withObjectEmptySeparator("").withArrayEmptySeparator(""))
            .withObjectIndenter(new DefaultIndenter("    ", "\n"))
            .withArrayIndenter(new DefaultIndenter("    ", "\n"));

    private BfclPrompt() {
    }

    public static String system(JsonNode functions, Language language) {
        ArrayNode shown = ((ArrayNode) functions).deepCopy();
        for (JsonNode f : shown) {
            ObjectNode fn = (ObjectNode) f;
            fn.put("description", fn.path("description").asText() + hint(language));
            if (language != Language.PYTHON) {
                f.path("parameters").path("properties").forEach(p -> asString((ObjectNode) p, language));
            }
        }
        try {
            return INSTRUCTIONS + PYTHON_JSON.writer(INDENT_4).writeValueAsString(shown) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hint(Language language) {
        return switch (language) {
            case PYTHON -> " Note that the provided function is in Python 3 syntax.";
            case JAVA -> " Note that the provided function is in Java 8 SDK syntax.";
            case JAVASCRIPT -> " Note that the provided function is in JavaScript syntax.";
        };
    }

    /** A Java/JavaScript parameter as BFCL shows it: typed as string, the real type named in the description. */
    private static void asString(ObjectNode p, Language language) {
        String type = p.path("type").asText();
        String lang = language == Language.JAVA ? "Java" : "JavaScript";
        StringBuilder d = new StringBuilder(p.path("description").asText());
        d.append(" This is ").append(lang).append(' ').append(type).append(" type parameter in string representation.");
        if (p.has("items")) {
            d.append(" The list elements are of type ").append(p.at("/items/type").asText())
                    .append("; they are not in string representation.");
            p.remove("items");
        }
        if (p.has("properties")) {
            d.append(" The dictionary entries have the following schema; they are not in string representation. ")
                    .append(p.get("properties"));
            p.remove("properties");
        }
        p.put("type", "string");
        p.put("description", d.toString());
    }
}
