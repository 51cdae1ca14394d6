package org.asynclm.training.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExampleFileTest {
    @TempDir
    Path dir;

    @Test
    void labelsAreTheIdsUnderTheLossAndMinus100Elsewhere() throws Exception {
        Example a = new Example(new int[] {5, 6, 7, 8}, new boolean[] {false, false, true, true}, 1);
        Example b = new Example(new int[] {9, 3}, new boolean[] {false, true}, 2);
        Path out = dir.resolve("examples.jsonl");
        ExampleFile.write(out, List.of(a, b));
        List<String> lines = Files.readAllLines(out);
        assertEquals(2, lines.size());
        ObjectMapper m = new ObjectMapper();
        JsonNode first = m.readTree(lines.get(0));
        assertEquals(m.readTree("[5,6,7,8]"), first.get("input_ids"));
        assertEquals(m.readTree("[1,1,1,1]"), first.get("attention_mask"));
        assertEquals(m.readTree("[-100,-100,7,8]"), first.get("labels"));
        assertEquals(m.readTree("{\"input_ids\":[9,3],\"attention_mask\":[1,1],\"labels\":[-100,3]}"),
                m.readTree(lines.get(1)));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left");
        }
    }
}
