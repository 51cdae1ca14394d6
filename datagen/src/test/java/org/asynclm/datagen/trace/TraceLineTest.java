package org.asynclm.datagen.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.asynclm.datagen.bfcl.BfclTasksTest;
import org.asynclm.runtime.BadInputException;
import org.asynclm.runtime.trace.TraceLine;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The writer's streaming fast path and the contract type give the same trace: a round trip, line by line. */
class TraceLineTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"synthetic", "bfcl-parallel", "bfcl-multi-turn", "bfcl-multi-step-parallel"})
    void everyWrittenLineReadsAsATraceLineAndWritesBackTheSameJson(String name) throws Exception {
        Path out = DatagenTest.write(dir.resolve(name + ".jsonl"), Path.of("../configs/datagen/" + name + ".yaml"), 2,
                "n=300", "synthetic.user_interrupt_rate=0.3", "bfcl.dir=\"" + BfclTasksTest.BFCL + "\"");
        ObjectMapper json = new ObjectMapper();
        int lines = 0;
        for (String line : Files.readAllLines(out)) {
            TraceLine t = TraceLine.parse(line);
            assertEquals(json.readTree(line), json.readTree(t.toJson()), t.id());
            assertTrue(!t.assistant().isEmpty() && !t.dag().isEmpty(), t.id());
            lines++;
        }
        assertEquals(300, lines);
    }

    @ParameterizedTest
    @ValueSource(strings = {"assistant", "dag", "tpot_ms", "makespan_ms"})
    void aMissingFieldIsNamed(String field) throws Exception {
        Path out = DatagenTest.write(dir.resolve("one.jsonl"), null, 1, "n=1");
        var tree = (ObjectNode) new ObjectMapper().readTree(Files.readString(out));
        tree.remove(field);
        String m = assertThrows(BadInputException.class, () -> TraceLine.parse(tree.toString())).getMessage();
        assertEquals(field + ": missing", m);
    }
}
