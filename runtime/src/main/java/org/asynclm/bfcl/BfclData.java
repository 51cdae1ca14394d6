package org.asynclm.bfcl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.asynclm.bfcl.multiturn.BackendClass;
import org.asynclm.runtime.BadInputException;
import org.asynclm.runtime.files.TextLines;

/**
 * A BFCL v4 data directory: {@code BFCL_v4_<category>.json} question files and
 * {@code possible_answer/BFCL_v4_<category>.json} answers, both JSON Lines aligned by line, and the multi-turn
 * function docs in {@code multi_turn_func_doc/}. Errors name the file and line.
 */
public final class BfclData {
    public static final String PREFIX = "BFCL_v4_";

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final Path dir;

    public BfclData(Path dir) throws BadInputException {
        if (!Files.isDirectory(dir)) {
            throw new BadInputException(dir + ": no such BFCL data directory");
        }
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    public Path questionFile(String category) {
        return dir.resolve(PREFIX + category + ".json");
    }

    public Path answerFile(String category) {
        return dir.resolve("possible_answer").resolve(PREFIX + category + ".json");
    }

    /** Questions of a category with their answers, aligned by line; an answer whose id differs is an error. */
    public List<BfclEntry> entries(String category, boolean needAnswers) throws BadInputException {
        Path qf = questionFile(category);
        if (!Files.exists(qf)) {
            throw new BadInputException(qf + ": no such file (unknown category '" + category + "'?)");
        }
        List<JsonNode> questions = readJsonLines(qf);
        List<JsonNode> answers = null;
        Path af = answerFile(category);
        if (needAnswers) {
            if (!Files.exists(af)) {
                throw new BadInputException(af + ": no such file (category '" + category + "' needs possible answers)");
            }
            answers = readJsonLines(af);
            if (answers.size() != questions.size()) {
                throw new BadInputException(af + ": " + answers.size() + " answers for " + questions.size()
                        + " questions in " + qf.getFileName());
            }
        }
        List<BfclEntry> out = new ArrayList<>(questions.size());
        for (int i = 0; i < questions.size(); i++) {
            JsonNode q = questions.get(i);
            String id = text(q, "id", qf, i + 1);
            JsonNode a = answers == null ? null : answers.get(i);
            if (a != null && !id.equals(text(a, "id", af, i + 1))) {
                throw new BadInputException(af + ":" + (i + 1) + ": id: '" + a.get("id").asText()
                        + "' does not match question '" + id + "' on the same line");
            }
            out.add(new BfclEntry(id, qf, i + 1, q, a));
        }
        return out;
    }

    /** The functions of a multi-turn class, as listed in its doc file. */
    public ArrayNode functionDocs(String className) throws BadInputException {
        BackendClass c = BackendClass.byPythonName(className);
        if (c == null) {
            throw new BadInputException(dir + ": no function docs known for class '" + className + "'");
        }
        Path p = dir.resolve("multi_turn_func_doc").resolve(c.docFile());
        if (!Files.exists(p)) {
            throw new BadInputException(p + ": no such file");
        }
        ArrayNode docs = JsonNodeFactory.instance.arrayNode();
        readJsonLines(p).forEach(docs::add);
        return docs;
    }

    /** Every non-blank line of a JSON Lines file, parsed; a malformed line is an error naming it. */
    public static List<JsonNode> readJsonLines(Path file) throws BadInputException {
        List<JsonNode> out = new ArrayList<>();
        TextLines.forEach(file, (n, line) -> {
            try {
                out.add(MAPPER.readTree(line));
            } catch (JsonProcessingException e) {
                throw new BadInputException(file + ":" + n + ": malformed JSON: " + e.getOriginalMessage());
            }
        });
        return out;
    }

    private static String text(JsonNode node, String field, Path file, int line) throws BadInputException {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) {
            throw new BadInputException(file + ":" + line + ": " + field + ": missing or not a string");
        }
        return v.asText();
    }
}
