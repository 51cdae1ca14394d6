package org.asynclm.datagen.bfcl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.asynclm.bfcl.BfclData;
import org.asynclm.bfcl.BfclEntry;
import org.asynclm.datagen.Task;
import org.asynclm.datagen.TaskSource;
import org.asynclm.datagen.config.ConfigLoader;
import org.asynclm.datagen.config.DatagenConfig;
import org.asynclm.runtime.scenario.Scenario;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Runs against the BFCL v4 data in the repository (testdata/bfcl). */
public class BfclTasksTest {
    public static final Path BFCL = Path.of("../testdata/bfcl");

    @BeforeAll
    static void needsData() {
    }

    private static TaskSource source(String source, String split) throws Exception {
        DatagenConfig c = ConfigLoader.load(null, List.of("source=" + source, "bfcl.split=" + split,
                "bfcl.dir=\"" + BFCL + "\""));
        return BfclTasks.create(c, BFCL);
    }

    @Test
    void splitsAreDisjointAndCoverEveryEntry() throws Exception {
        int train = 0;
        List<BfclEntry> all = new BfclData(BFCL).entries("multi_turn_base", true);
        for (BfclEntry e : all) {
            String s = BfclTasks.split(e.id(), 0, 0.25);
            assertEquals(s, BfclTasks.split(e.id(), 0, 0.25), "a function of id and seed");
            train += s.equals("train") ? 1 : 0;
        }
        assertTrue(train > 30 && train < 70, "about a quarter of 200: " + train);
        long moved = all.stream().filter(e -> !BfclTasks.split(e.id(), 0, 0.25)
                .equals(BfclTasks.split(e.id(), 1, 0.25))).count();
        assertTrue(moved > 20, "another seed gives another split");
    }

    @Test
    void parallelEntriesBecomeIndependentCallsWithGroundTruthArguments() throws Exception {
        BfclEntry e = new BfclData(BFCL).entries("parallel", true).get(0);
        String split = BfclTasks.split(e.id(), 0, 0.25);
        TaskSource src = source("bfcl-parallel", split);
        Scenario s = null;
        for (int i = 0; i < 400 && s == null; i++) {
            Task t = src.task(i, new SplittableRandom(i));
            if (t.scenario().name().equals("bfcl-parallel-parallel_0")) {
                s = t.scenario();
                assertEquals(1, t.tools().size());
                assertTrue(t.tools().get(0).has("estimated_time_ms"));
            }
        }
        assertTrue(s != null);
        assertTrue(s.independent());
        assertEquals("[CALL]a[HEAD]spotify.play(artist='Taylor Swift', duration=20)[END]", s.callBlock(s.calls().get(0)));
        assertEquals("[CALL]b[HEAD]spotify.play(artist='Maroon 5', duration=15)[END]", s.callBlock(s.calls().get(1)));
    }

    @Test
    void dictParametersTakeTheFirstAcceptableValueOfEachField() throws Exception {
        BfclEntry e = new BfclData(BFCL).entries("parallel", true).get(29);
        assertEquals("parallel_29", e.id());
        var gt = e.answer().at("/ground_truth/0/waste_calculation.calculate/population");
        var schema = e.question().at("/function/0/parameters/properties/population");
        assertEquals("{\"adults\":2,\"children\":2,\"singles\":0}", BfclTasks.firstAcceptable(gt, schema).toString());
    }

    @Test
    void multiTurnFirstRoundsAreChainsWithPositionalArgumentsNamed() throws Exception {
        for (String split : List.of("train", "eval")) {
            TaskSource src = source("bfcl-multi-turn", split);
            for (int i = 0; i < 200; i++) {
                Scenario s = src.task(i, new SplittableRandom(i)).scenario();
                for (int k = 1; k < s.calls().size(); k++) {
                    assertEquals(List.of(s.calls().get(k - 1).id()), s.calls().get(k).deps());
                }
                if (s.name().endsWith("multi_turn_base_55")) {
                    assertTrue(s.callBlock(s.calls().get(0)).contains("displayCarStatus(option='fuel')"),
                            s.callBlock(s.calls().get(0)));
                }
            }
        }
    }

    /**
     * Each call of a multi-turn task carries the result BFCL's own Python backends gave the same call
     * (multi_turn_golden/multi_turn_base.jsonl, made by tools/bfcl_backend_golden.py), not a made-up one.
     */
    @Test
    void multiTurnCallsCarryTheBackendsRealResults() throws Exception {
        ObjectMapper m = new ObjectMapper();
        Map<String, JsonNode> firstRounds = new HashMap<>();
        for (String line : Files.readAllLines(BFCL.resolve("multi_turn_golden/multi_turn_base.jsonl"))) {
            JsonNode g = m.readTree(line);
            firstRounds.put(g.get("id").asText(), g.get("turns").get(0));
        }
        int checked = 0;
        for (String split : List.of("train", "eval")) {
            TaskSource src = source("bfcl-multi-turn", split);
            for (int i = 0; i < 200; i++) {
                Scenario s = src.task(i, new SplittableRandom(i)).scenario();
                JsonNode round = firstRounds.get(s.name().substring(s.name().indexOf("multi_turn_base_")));
                assertEquals(round.get("results").size(), s.calls().size(), s.name());
                for (int k = 0; k < s.calls().size(); k++) {
                    String bfcl = round.get("results").get(k).asText();
                    JsonNode result = s.calls().get(k).result();
                    assertEquals(bfcl, result.isTextual() ? result.asText() : pythonJson(result), s.name() + " call " + k);
                    checked++;
                }
            }
        }
        assertTrue(checked > 400, "calls checked: " + checked);
    }

    @Test
    void aFunctionsEstimateCanBeFixedByName() throws Exception {
        DatagenConfig c = ConfigLoader.load(null, List.of("source=bfcl-multi-turn", "bfcl.dir=\"" + BFCL + "\"",
                "bfcl.estimated_ms_by_function={cd: 20, grep: 300.5}"));
        TaskSource src = BfclTasks.create(c, BFCL);
        int seen = 0;
        for (int i = 0; i < 200; i++) {
            for (var call : src.task(i, new SplittableRandom(i)).scenario().calls()) {
                if (call.function().equals("cd")) {
                    assertEquals(20_000_000L, call.estimatedNanos());
                    seen++;
                }
            }
        }
        assertTrue(seen > 10, "cd calls seen: " + seen);
        DatagenConfig typo = ConfigLoader.load(null, List.of("source=bfcl-multi-turn", "bfcl.dir=\"" + BFCL + "\"",
                "bfcl.estimated_ms_by_function={cdd: 20}"));
        var e = org.junit.jupiter.api.Assertions.assertThrows(org.asynclm.runtime.BadInputException.class,
                () -> BfclTasks.create(typo, BFCL));
        assertEquals("bfcl.estimated_ms_by_function: 'cdd' is not a function of the bfcl-multi-turn entries in "
                + BFCL, e.getMessage());
    }

    /** json.dumps' layout of a JSON tree (", " and ": "), to compare with the result string BFCL recorded. */
    private static String pythonJson(JsonNode n) throws Exception {
        return org.asynclm.bfcl.multiturn.Py.jsonDumps(org.asynclm.bfcl.multiturn.Py.fromJson(n));
    }

    @Test
    void multiStepParallelCombinesThreeDistinctChains() throws Exception {
        TaskSource src = source("bfcl-multi-step-parallel", "eval");
        for (int i = 0; i < 100; i++) {
            Task t = src.task(i, new SplittableRandom(i));
            Scenario s = t.scenario();
            assertEquals(3, s.calls().stream().filter(c -> c.deps().isEmpty()).count(), s.name());
            assertEquals(3, s.name().split("\\+").length);
            assertEquals("eval", t.split());
        }
    }
}
