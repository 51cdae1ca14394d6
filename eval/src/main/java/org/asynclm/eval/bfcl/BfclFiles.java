package org.asynclm.eval.bfcl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.asynclm.runtime.files.AtomicFiles;

/**
 * BFCL's own file layouts, so that BFCL's tools read what asynclm writes: a result file of
 * {@code {"id", "result"}} lines ({@code BFCL_v4_CATEGORY_result.json}) and a score file of
 * {@code {"id", "valid", "error_type"}} lines.
 */
public final class BfclFiles {

    private BfclFiles() {
    }

    public static Path resultFile(Path dir, String category) {
        return dir.resolve("BFCL_v4_" + category + "_result.json");
    }

    public static Path scoreFile(Path dir, String category) {
        return dir.resolve("BFCL_v4_" + category + "_score.json");
    }

    /** Writes the results (raw model text by entry id); returns them as the scorer takes them. */
    public static Map<String, JsonNode> writeResults(Path file, Map<String, String> results) throws IOException {
        StringBuilder lines = new StringBuilder();
        Map<String, JsonNode> asJson = new LinkedHashMap<>();
        results.forEach((id, r) -> {
            lines.append(JsonNodeFactory.instance.objectNode().put("id", id).put("result", r)).append('\n');
            asJson.put(id, new TextNode(r));
        });
        AtomicFiles.writeString(file, lines.toString());
        return asJson;
    }

    /** Writes results that are JSON values (multi-turn: a list of turns, each a list of responses). */
    public static void writeJsonResults(Path file, Map<String, JsonNode> results) throws IOException {
        StringBuilder lines = new StringBuilder();
        results.forEach((id, r) -> {
            ObjectNode line = JsonNodeFactory.instance.objectNode().put("id", id);
            line.set("result", r);
            lines.append(line).append('\n');
        });
        AtomicFiles.writeString(file, lines.toString());
    }

    public static void writeScores(Path file, List<BfclScorer.Verdict> verdicts) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (BfclScorer.Verdict v : verdicts) {
            ObjectNode n = JsonNodeFactory.instance.objectNode().put("id", v.id()).put("valid", v.valid());
            if (v.errorType() == null) {
                n.putNull("error_type");
            } else {
                n.put("error_type", v.errorType());
            }
            sb.append(n).append('\n');
        }
        AtomicFiles.writeString(file, sb.toString());
    }
}
