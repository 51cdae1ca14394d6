package org.asynclm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.asynclm.datagen.trace.TraceWriter;
import org.asynclm.runtime.files.ContentHash;
import org.asynclm.runtime.prompt.ChatPrompt;
import org.asynclm.runtime.tokens.ByteTokenizer;
import org.asynclm.training.data.Example;
import org.asynclm.training.data.ExampleFile;
import org.asynclm.training.data.TraceExamples;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pins what TRL does with the trl export, without Python: testdata/exports/trl-golden.json holds three traces,
 * their trl lines, the text TRL 1.13 rendered from them with datagen's chat template, and the ids and labels its
 * SFT preparation (assistant_only_loss) built, all written by tools/check_python_exports.py.
 */
class PythonExportsTest {
    private static final Path GOLDEN = Path.of("../testdata/exports/trl-golden.json");

    @TempDir
    Path dir;

    private static JsonNode golden() throws Exception {
        return new ObjectMapper().readTree(GOLDEN.toFile());
    }

    @Test
    void theChatTemplateIsTheOneTrlWasCheckedWith() throws Exception {
        var digest = ContentHash.sha256();
        digest.update(TraceWriter.chatTemplate().getBytes(StandardCharsets.UTF_8));
        assertEquals(golden().get("chat_template_sha256").asText(), ContentHash.format(digest),
                "the chat template changed: rerun tools/check_python_exports.py --golden " + GOLDEN);
    }

    @Test
    void trlRendersTheTurnAsTheRuntimeLaysItOut() throws Exception {
        for (JsonNode e : golden().get("examples")) {
            JsonNode messages = e.at("/trl/messages");
            StringBuilder turn = new StringBuilder(ChatPrompt.render(messages.get(0).get("content").asText(),
                    messages.get(1).get("content").asText()));
            for (int i = 2; i < messages.size(); i++) {
                turn.append(messages.get(i).get("content").asText());
            }
            assertEquals(turn + "<|eot_id|>", e.get("rendered").asText());
        }
    }

    @Test
    void trainDataGivesTheIdsAndLabelsTrlBuilt() throws Exception {
        List<String> natives = new ArrayList<>();
        golden().get("examples").forEach(e -> natives.add(e.get("native").asText()));
        Path traces = Files.write(dir.resolve("golden.jsonl"), natives);
        List<Example> ours = TraceExamples.read(traces, new ByteTokenizer(), 1_000_000, TraceExamples.Overlong.DROP)
                .examples();
        Path out = dir.resolve("examples.jsonl");
        ExampleFile.write(out, ours);
        List<String> written = Files.readAllLines(out);
        JsonNode examples = golden().get("examples");
        assertEquals(examples.size(), written.size());
        for (int k = 0; k < written.size(); k++) {
            JsonNode line = new ObjectMapper().readTree(written.get(k));
            assertEquals(examples.get(k).get("input_ids"), line.get("input_ids"), "trace " + k);
            assertEquals(examples.get(k).get("labels"), line.get("labels"), "trace " + k);
        }
    }
}
