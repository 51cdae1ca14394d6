package org.asynclm.datagen.trace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.asynclm.datagen.Datagen;
import org.asynclm.datagen.Sources;
import org.asynclm.datagen.bfcl.BfclTasksTest;
import org.asynclm.datagen.config.ConfigLoader;
import org.asynclm.datagen.config.DatagenConfig;
import org.asynclm.datagen.synthetic.SyntheticGenerator;
import org.asynclm.runtime.tokens.ByteTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DatagenTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dir;

    static Path write(Path file, Path config, int threads, String... sets) throws Exception {
        DatagenConfig c = ConfigLoader.load(config, List.of(sets));
        TraceGenerator g = new TraceGenerator(c, new ByteTokenizer(), c.tokenizer().name(), Sources.create(c));
        Datagen.write(g, c.n(), c.format(), file, threads, i -> { });
        return file;
    }

    @Test
    void sameConfigAndSeedGiveTheSameBytesOnAnyNumberOfThreads() throws Exception {
        byte[] one = Files.readAllBytes(write(dir.resolve("a.jsonl"), null, 1, "n=300", "seed=5",
                "synthetic.user_interrupt_rate=0.3"));
        byte[] three = Files.readAllBytes(write(dir.resolve("b.jsonl"), null, 3, "n=300", "seed=5",
                "synthetic.user_interrupt_rate=0.3"));
        assertArrayEquals(one, three);
        byte[] other = Files.readAllBytes(write(dir.resolve("c.jsonl"), null, 1, "n=300", "seed=6",
                "synthetic.user_interrupt_rate=0.3"));
        assertFalse(Arrays.equals(one, other));
        try (var files = Files.list(dir)) {
            assertEquals(3, files.count(), "no temporary files left");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"synthetic", "bfcl-parallel", "bfcl-multi-turn", "bfcl-multi-step-parallel"})
    void tenThousandTracesOfEveryConfigValidate(String name) throws Exception {
        Path out = write(dir.resolve(name + ".jsonl"), Path.of("../configs/datagen/" + name + ".yaml"), 2,
                "n=10000", "bfcl.dir=\"" + BfclTasksTest.BFCL + "\"");
        TraceValidator.Report r = TraceValidator.validate(out);
        assertEquals(10_000, r.traces());
        assertTrue(r.ok(), r.failures() + " " + r.examples());
    }

    @Test
    void handBrokenTracesFailWithFileAndLine() throws Exception {
        Path good = write(dir.resolve("good.jsonl"), null, 1, "n=20", "synthetic.shapes={chains: 1}");
        List<String> lines = new ArrayList<>(Files.readAllLines(good));
        // Line 3: the makespan no longer replays. Line 5: the first interrupt moved ahead of its call.
        ObjectNode three = (ObjectNode) MAPPER.readTree(lines.get(2));
        three.put("makespan_ms", three.get("makespan_ms").asDouble() + 1);
        lines.set(2, three.toString());
        ObjectNode five = (ObjectNode) MAPPER.readTree(lines.get(4));
        ArrayNode segs = (ArrayNode) five.get("assistant");
        int firstInterrupt = 0;
        while (!segs.get(firstInterrupt).get("kind").asText().equals("interrupt")) {
            firstInterrupt++;
        }
        JsonNode moved = segs.remove(firstInterrupt);
        segs.insert(0, moved);
        lines.set(4, five.toString());
        Path bad = dir.resolve("bad.jsonl");
        Files.write(bad, lines);
        TraceValidator.Report r = TraceValidator.validate(bad);
        assertEquals(18, r.valid());
        assertTrue(r.examples().stream().anyMatch(e -> e.startsWith(bad + ":3: replayed makespan")), r.examples().toString());
        assertTrue(r.examples().stream().anyMatch(e -> e.startsWith(bad + ":5: interrupt for")), r.examples().toString());
        assertTrue(r.failures().containsKey("makespan"));
    }

    @Test
    void taskRulesCatchARepeatedCallAndAnArgumentNobodyStated() throws Exception {
        Path good = write(dir.resolve("rules.jsonl"), null, 1, "n=40", "synthetic.shapes={parallel: 1}",
                "synthetic.parallel_calls=[3, 3]");
        List<String> lines = new ArrayList<>(Files.readAllLines(good));
        // Line 1: the user no longer says the first value. Line 2: the second call's body becomes the first's.
        ObjectNode one = (ObjectNode) MAPPER.readTree(lines.get(0));
        String firstCall = one.get("assistant").get(0).get("text").asText();
        String value = firstCall.substring(firstCall.indexOf("='") + 2, firstCall.indexOf('\'', firstCall.indexOf("='") + 2));
        ObjectNode user = (ObjectNode) one.get("messages").get(1);
        user.put("content", user.get("content").asText().replace(value, "something"));
        lines.set(0, one.toString());
        ObjectNode two = (ObjectNode) MAPPER.readTree(lines.get(1));
        ArrayNode segs = (ArrayNode) two.get("assistant");
        String a = segs.get(0).get("text").asText();
        String b = segs.get(1).get("text").asText();
        String bodyA = a.substring(a.indexOf("[HEAD]") + 6, a.indexOf("[END]"));
        String bodyB = b.substring(b.indexOf("[HEAD]") + 6, b.indexOf("[END]"));
        assertTrue(segs.get(1).get("kind").asText().equals("model") && !bodyA.equals(bodyB), b);
        ((ObjectNode) segs.get(1)).put("text", b.replace(bodyB, bodyA))
                .put("tokens", new ByteTokenizer().count(b.replace(bodyB, bodyA)));
        lines.set(1, two.toString());
        Path bad = dir.resolve("rules-bad.jsonl");
        Files.write(bad, lines);
        TraceValidator.Report r = TraceValidator.validate(bad);
        assertTrue(r.failures().containsKey("unstated-argument"), r.failures().toString());
        assertTrue(r.failures().containsKey("repeated-call"), r.failures().toString());
        assertTrue(r.examples().stream().anyMatch(e -> e.startsWith(bad + ":1: call 'a'") && e.contains(value)
                && e.contains("neither asked for nor returned")), r.examples().toString());
        assertTrue(r.examples().stream().anyMatch(e -> e.startsWith(bad + ":2: call 'b' repeats call 'a'")),
                r.examples().toString());
    }

    @Test
    void callIdsFollowTheOrderTheyAreWritten() throws Exception {
        Path out = write(dir.resolve("ids.jsonl"), Path.of("../configs/datagen/synthetic.yaml"), 1, "n=200");
        for (String line : Files.readAllLines(out)) {
            StringBuilder turn = new StringBuilder();
            MAPPER.readTree(line).get("assistant").forEach(seg -> {
                if (seg.get("kind").asText().equals("model")) {
                    turn.append(seg.get("text").asText());
                }
            });
            var m = Pattern.compile("\\[CALL]([a-z]+)\\[HEAD]").matcher(turn);
            int k = 0;
            while (m.find()) {
                assertEquals(SyntheticGenerator.idFor(k++), m.group(1), turn.toString());
            }
        }
    }

    @Test
    void trlAndAxolotlCarryTheSameTurn() throws Exception {
        Path nat = write(dir.resolve("n.jsonl"), null, 1, "n=5");
        Path trl = write(dir.resolve("t.jsonl"), null, 1, "n=5", "format=trl");
        Path axo = write(dir.resolve("x.jsonl"), null, 1, "n=5", "format=axolotl");
        for (int i = 0; i < 5; i++) {
            JsonNode n = MAPPER.readTree(Files.readAllLines(nat).get(i));
            JsonNode t = MAPPER.readTree(Files.readAllLines(trl).get(i));
            JsonNode x = MAPPER.readTree(Files.readAllLines(axo).get(i));
            StringBuilder turn = new StringBuilder();
            n.get("assistant").forEach(s -> turn.append(s.get("text").asText()));
            StringBuilder fromTrl = new StringBuilder();
            String last = "";
            for (JsonNode m : t.get("messages")) {
                String role = m.get("role").asText();
                if (role.equals("assistant") || role.equals("tool")) {
                    assertFalse(role.equals(last), "messages alternate");
                    fromTrl.append(m.get("content").asText());
                }
                last = role;
            }
            assertEquals(turn.toString(), fromTrl.toString());
            assertEquals("system", t.at("/messages/0/role").asText());
            assertFalse(t.has("tools"), "the system prompt lists the functions; no per-row schema column");
            StringBuilder labelled = new StringBuilder();
            for (JsonNode s : x.get("segments")) {
                if (s.get("label").asBoolean()) {
                    labelled.append(s.get("text").asText());
                } else {
                    assertFalse(s.get("text").asText().startsWith("[CALL]"), "calls are trained");
                }
            }
            assertTrue(labelled.toString().endsWith("<|eot_id|>"));
            assertTrue(x.at("/segments/0/text").asText().startsWith("<|begin_of_text|>"));
        }
    }
}
