package org.asynclm.runtime.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.asynclm.runtime.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScenarioJsonTest {
    @TempDir
    Path dir;

    private String error(String json) throws IOException {
        Path f = dir.resolve("s.json");
        Files.writeString(f, json);
        return assertThrows(BadInputException.class, () -> ScenarioJson.read(f)).getMessage();
    }

    @Test
    void readsRefsAndDefaults() throws Exception {
        Path f = dir.resolve("ok.json");
        Files.writeString(f, """
                {"calls": [
                  {"id": "a", "function": "search", "arguments": {"q": "x"}, "exec_ms": 100, "result": {"id": 7}},
                  {"id": "b", "function": "get", "arguments": {"item": {"$ref": "a", "path": "/id"}}, "exec_ms": 50}
                ]}""");
        Scenario s = ScenarioJson.read(f);
        assertEquals(List.of("a"), s.call("b").deps());
        assertEquals("[CALL]b[HEAD]get(item=7)[END]", s.callBlock(s.call("b")));
        assertEquals(100_000_000L, s.call("a").estimatedNanos());
        assertEquals("Done.", s.finalAnswer());
        Path again = dir.resolve("again.json");
        Files.writeString(again, ScenarioJson.toJson(s).toString());
        assertEquals(s, ScenarioJson.read(again));
    }

    @Test
    void errorsNameFileLineAndField() throws IOException {
        String p = dir.resolve("s.json").toString();
        assertEquals(p + ":3: calls.1.exec_ms: must be a number of milliseconds from 0 to 86,400,000 (a day)", error("""
                {"calls": [
                  {"id": "a", "function": "f", "exec_ms": 1},
                  {"id": "b", "function": "f", "exec_ms": -4}
                ]}"""));
        assertEquals(p + ":2: calls.0: missing field \"exec_ms\"", error("""
                {"calls": [
                  {"id": "a", "function": "f"}
                ]}"""));
        assertEquals(p + ":2: calls.0.speed: unknown field (expected one of [arguments, deps, estimated_ms, exec_ms, "
                + "function, id, result])", error("""
                {"calls": [
                  {"id": "a", "function": "f", "exec_ms": 1, "speed": 3}
                ]}"""));
        assertEquals(p + ":2: malformed JSON: Unexpected character ('}' (code 125)): was expecting double-quote to start "
                + "field name", error("{\"calls\": [\n {\"id\": \"a\",}\n]}"));
        assertEquals(p + ":1: calls: call 'b' depends on unknown call 'zz'", error(
                "{\"calls\": [{\"id\": \"b\", \"function\": \"f\", \"exec_ms\": 1, \"deps\": [\"zz\"]}]}"));
        assertEquals(p + ":1: calls: dependency cycle through call 'a'", error("{\"calls\": ["
                + "{\"id\": \"a\", \"function\": \"f\", \"exec_ms\": 1, \"deps\": [\"b\"]},"
                + "{\"id\": \"b\", \"function\": \"f\", \"exec_ms\": 1, \"deps\": [\"a\"]}]}"));
        assertEquals(dir.resolve("missing.json") + ": no such file",
                assertThrows(BadInputException.class, () -> ScenarioJson.read(dir.resolve("missing.json"))).getMessage());
    }
}
