package org.asynclm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.asynclm.model.llama.Llama;
import org.asynclm.serve.ModelServer;
import org.asynclm.serve.ServeConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * A line typed while the model writes reaches it as a user interrupt during the same turn, never inside a block.
 * (tools/chat-tmux-test.sh does the same through a real terminal in CI.)
 */
class ChatCommandTest {
    @TempDir
    Path dir;

    @Test
    void aLineTypedDuringGenerationIsInjectedAtOnce() throws Exception {
        Path model = dir.resolve("tiny");
        assertEquals(0, CliTest.run("init-model", "--preset", "../configs/model/tiny.yaml", "--out", model.toString())
                .code());
        PipedOutputStream keyboard = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(keyboard);
        StringWriter screen = new StringWriter();
        PrintWriter out = new PrintWriter(screen, true);
        Path timeline = dir.resolve("chat.json");
        CommandLine cl = new CommandLine(new ChatCommand(in)).setOut(out).setErr(out);
        ConfigNames.register(cl);
        CompletableFuture<Integer> session = CompletableFuture.supplyAsync(() -> cl.execute("--model",
                model.toString(), "--pace-ms", "20", "--max-tokens", "150", "--timeline", timeline.toString()));
        type(keyboard, "find the user alice");
        waitFor(screen, "model> ", 1);
        Thread.sleep(500); // the model is writing: 150 tokens at 20 ms or more each
        type(keyboard, "and her phone, please");
        keyboard.close();
        assertEquals(0, session.get(), screen.toString());
        String text = screen.toString();
        assertTheLineLandedInTheTurn(text);
        assertTrue(text.matches("(?s).*\\[150 tokens, \\d+ interrupts.*"), "one turn of 150 tokens: " + text);
        JsonNode trace = new ObjectMapper().readTree(timeline.toFile());
        assertTrue(trace.get("traceEvents").toString().contains("\"name\":\"turn 1\""));
    }

    /**
     * The same with a served model, through the asynchronous session API (the turn runs on the server) and through
     * /v1/completions (--engine openai: the turn runs here, each interrupt a new request): the line lands in the turn.
     */
    @ParameterizedTest
    @ValueSource(strings = {"sessions", "completions"})
    void aLineTypedDuringAServedTurnIsInjectedToo(String api) throws Exception {
        Path model = dir.resolve("tiny");
        assertEquals(0, CliTest.run("init-model", "--preset", "../configs/model/tiny.yaml", "--out", model.toString())
                .code());
        try (Llama llama = Llama.load(model, Device.cpu());
             ModelServer server = ModelServer.start(llama, "tiny", new ServeConfig("127.0.0.1", 0, 4, 4096, null))) {
            PipedOutputStream keyboard = new PipedOutputStream();
            PipedInputStream in = new PipedInputStream(keyboard);
            StringWriter screen = new StringWriter();
            PrintWriter out = new PrintWriter(screen, true);
            CommandLine cl = new CommandLine(new ChatCommand(in)).setOut(out).setErr(out);
            ConfigNames.register(cl);
            List<String> args = new ArrayList<>(List.of("--base-url", "http://127.0.0.1:" + server.port() + "/v1",
                    "--model", "tiny", "--max-tokens", "3000"));
            if (api.equals("completions")) {
                args.addAll(List.of("--engine", "openai", "--tokenizer", model.resolve("tokenizer.json").toString()));
            }
            CompletableFuture<Integer> session = CompletableFuture.supplyAsync(() -> cl.execute(
                    args.toArray(String[]::new)));
            type(keyboard, "find the user alice");
            waitFor(screen, "model> ", 1);
            Thread.sleep(300); // the served model is writing: thousands of tokens take seconds
            try {
                type(keyboard, "and her phone, please");
            } catch (java.io.IOException e) {
                throw new AssertionError("the chat ended early: " + screen, e);
            }
            keyboard.close();
            assertEquals(0, session.get(), screen.toString());
            String text = screen.toString();
            assertTheLineLandedInTheTurn(text);
            assertTrue(text.matches("(?s).*\\[\\d+ tokens, 1 interrupts, 0 calls.*"), "one turn, one interrupt: " + text);
        }
    }

    /** The second line reached the model inside the first turn, as a user interrupt. */
    private static void assertTheLineLandedInTheTurn(String text) {
        Matcher end = Pattern.compile("\n\\[\\d+ tokens").matcher(text);
        assertTrue(end.find(), text);
        String turn = text.substring(text.indexOf("model> "), end.start());
        assertTrue(turn.contains("[INTR]user[HEAD]\"and her phone, please\"[END]"), text);
        assertTrue(text.contains("-> sent to the model as a user interrupt"), text);
    }

    private static void type(PipedOutputStream keyboard, String line) throws Exception {
        keyboard.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        keyboard.flush();
    }

    private static void waitFor(StringWriter screen, String text, int times) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            if (screen.toString().split(Pattern.quote(text), -1).length > times) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("never saw '" + text + "': " + screen);
    }
}
