package org.asynclm.bfcl.multiturn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.asynclm.cml.PyTuple;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The Java backends against BFCL's Python, call by call: {@code tools/bfcl_backend_golden.py} ran BFCL's own
 * {@code execute_multi_turn_func_call} on the ground truth of all 800 multi-turn entries and on probes that reach
 * every public method, and recorded each result string and, after each turn, a digest of every instance's public
 * state. Here the same calls run on the Java port, which must give the same strings and the same digests.
 */
class BackendGoldenTest {
    static final Path BFCL = Path.of("../testdata/bfcl");
    static final Path GOLDEN = BFCL.resolve("multi_turn_golden");
    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> CATEGORIES = List.of("multi_turn_base", "multi_turn_long_context",
            "multi_turn_miss_func", "multi_turn_miss_param");

    @TestFactory
    Stream<DynamicTest> groundTruthOfEveryEntryGivesBfclsResultsAndStates() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (String category : CATEGORIES) {
            Map<String, JsonNode> questions = new LinkedHashMap<>();
            for (String line : Files.readAllLines(BFCL.resolve("BFCL_v4_" + category + ".json"))) {
                JsonNode q = JSON.readTree(line);
                questions.put(q.get("id").asText(), q);
            }
            List<String> golden = Files.readAllLines(GOLDEN.resolve(category + ".jsonl"));
            assertEquals(questions.size(), golden.size(), category + ": one golden line per entry");
            tests.add(DynamicTest.dynamicTest(category, () -> {
                for (String line : golden) {
                    JsonNode g = JSON.readTree(line);
                    JsonNode q = questions.get(g.get("id").asText());
                    replay(g.get("id").asText(), q.get("initial_config"), q.get("involved_classes"),
                            category.contains("long_context"), g.get("turns"));
                }
            }));
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> probesGiveBfclsResultsAndStates() throws IOException {
        return Files.readAllLines(GOLDEN.resolve("probes.jsonl")).stream().map(line -> {
            try {
                JsonNode p = JSON.readTree(line);
                return DynamicTest.dynamicTest(p.get("id").asText(), () -> replay(p.get("id").asText(),
                        p.get("initial_config"), p.get("involved_classes"), p.get("long_context").asBoolean(),
                        p.get("turns")));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** Every public method of every class is called somewhere in the golden files, so each has a pinned value. */
    @Test
    void everyMethodOfEveryClassIsPinned() throws IOException {
        Set<String> called = new TreeSet<>();
        List<String> replayed = new ArrayList<>(CATEGORIES);
        replayed.add("probes");
        for (String name : replayed) {
            for (String line : Files.readAllLines(GOLDEN.resolve(name + ".jsonl"))) {
                for (JsonNode turn : JSON.readTree(line).get("turns")) {
                    for (JsonNode call : turn.get("calls")) {
                        String s = call.asText();
                        called.add(s.substring(0, s.indexOf('(')).strip());
                    }
                }
            }
        }
        Set<String> missing = new TreeSet<>();
        for (BackendClass c : BackendClass.values()) {
            for (String m : c.create().methodNames()) {
                if (!called.contains(m)) {
                    missing.add(c.pythonName() + "." + m);
                }
            }
        }
        assertEquals(Set.of(), missing, "methods without a pinned golden value");
    }

    /** The Java method names are BFCL's documented functions, no more and no fewer. */
    @Test
    void methodsAreTheDocumentedFunctions() throws IOException {
        for (BackendClass c : BackendClass.values()) {
            Set<String> documented = new TreeSet<>();
            for (String line : Files.readAllLines(BFCL.resolve("multi_turn_func_doc/" + c.docFile()))) {
                documented.add(JSON.readTree(line).get("name").asText());
            }
            assertEquals(documented, new TreeSet<>(c.create().methodNames()), c.pythonName());
        }
    }

    @SuppressWarnings("unchecked")
    private static void replay(String id, JsonNode config, JsonNode classes, boolean longContext, JsonNode turns) {
        List<BackendClass> involved = new ArrayList<>();
        classes.forEach(c -> involved.add(BackendClass.byPythonName(c.asText())));
        BackendSession session = new BackendSession((Map<Object, Object>) Py.fromJson(config), involved, longContext);
        int t = 0;
        for (JsonNode turn : turns) {
            for (int k = 0; k < turn.get("calls").size(); k++) {
                String call = turn.get("calls").get(k).asText();
                String result = session.execute(call);
                JsonNode want = turn.get("results").get(k);
                String where = id + " turn " + t + " call " + k + " " + call;
                if (want.isObject()) {
                    assertEquals(want.get("sha256").asText(), sha256(result), where + " gave " + abbreviate(result));
                } else {
                    assertEquals(want.asText(), result, where);
                }
            }
            for (Map.Entry<BackendClass, Backend> e : session.instances().entrySet()) {
                String name = e.getKey().pythonName();
                String canonical = canonicalJson(e.getValue().state());
                assertEquals(turn.get("state").get(name).asText(), sha256(canonical).substring(0, 16),
                        id + " turn " + t + ": state of " + name + " differs; Java's is " + abbreviate(canonical));
            }
            t++;
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 3000 ? s : s.substring(0, 3000) + "...";
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The script's {@code canonical()} and {@code json.dumps(sort_keys=True)}, in Java. */
    static String canonicalJson(Object state) {
        try {
            return Py.jsonDumps(canonical(state));
        } catch (Py.NotJsonSerializable e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object canonical(Object v) {
        if (v instanceof GorillaFileSystem.Directory d) {
            return sorted(Map.of("__directory__", d.name(), "contents", canonical(d.contents())));
        }
        if (v instanceof GorillaFileSystem.File f) {
            return sorted(Map.of("__file__", f.name, "content", f.content));
        }
        if (v instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(key(k), canonical(x)));
            return sorted(out);
        }
        if (v instanceof List<?> l) {
            return l.stream().map(BackendGoldenTest::canonical).toList();
        }
        if (v instanceof PyTuple t) {
            return canonical(t.items());
        }
        if (v instanceof Set<?> s) {
            List<Object> items = new ArrayList<>(s.stream().map(BackendGoldenTest::canonical).toList());
            items.sort((a, b) -> Py.eq(a, b) ? 0 : Py.toDouble(a) < Py.toDouble(b) ? -1 : 1);
            return items;
        }
        return v;
    }

    private static String key(Object k) {
        if (k instanceof String s) {
            return s;
        }
        if (k instanceof Boolean b) {
            return "bool:" + (b ? "True" : "False");
        }
        if (Py.isInt(k)) {
            return "int:" + k;
        }
        if (k instanceof Double d) {
            return "float:" + Py.floatRepr(d);
        }
        return "other:" + Py.repr(k);
    }

    /** Keys in code-point order, as {@code json.dumps(sort_keys=True)} writes them. */
    private static Map<Object, Object> sorted(Map<?, ?> m) {
        TreeMap<Object, Object> byKey = new TreeMap<>((a, b) -> PyStrings.CODE_POINT_ORDER.compare((String) a, (String) b));
        byKey.putAll(m);
        return new LinkedHashMap<>(byKey);
    }
}
