package org.asynclm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Off a terminal (as here: the test JVM's standard error is a pipe), progress is a few plain lines. */
class ProgressTest {
    @Test
    void offATerminalThereIsALinePerTenthAndNoRedrawnFrames() {
        assertTrue(!StandardStreams.stderrIsTerminal(), "the test's standard error is not a terminal");
        PrintStream saved = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try (Progress p = new Progress("work", 1000)) {
            for (int i = 1; i <= 1000; i++) {
                p.accept(i);
            }
        } finally {
            System.setErr(saved);
        }
        String text = captured.toString(StandardCharsets.UTF_8);
        List<String> lines = text.lines().toList();
        assertEquals(10, lines.size(), text);
        assertTrue(!text.contains("\r"), "no carriage returns");
        assertTrue(lines.get(0).startsWith("work: 100/1000 (10%) after 0:00:0"), lines.get(0));
        assertTrue(lines.get(9).startsWith("work: 1000/1000 (100%) after "), lines.get(9));
    }
}
