package org.asynclm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Mistakes as a new user makes them: each is one line on standard error that names the file (and line and field
 * where there is one) in words, never a stack trace or a Java type, and the exit code is 2. {@code {dir}} in a case
 * stands for this test's folder.
 */
class UserMistakesTest {
    static final Path BFCL = Path.of("../testdata/bfcl");

    @TempDir
    static Path dir;

    @BeforeAll
    static void fixtures() throws Exception {
        assertEquals(0, CliTest.run("init-model", "--preset", "../configs/model/tiny.yaml", "--out",
                dir.resolve("m").toString()).code());
        Files.createDirectories(dir.resolve("folder"));
        Files.writeString(dir.resolve("file"), "x");
        Files.writeString(dir.resolve("twice.yaml"), "n: 5\nseed: 1\nn: 6\n");
        Files.writeString(dir.resolve("zero-estimate.yaml"), "source: bfcl-multi-turn\nbfcl:\n  estimated_ms_by_function: {cd: 0}\n");
        Files.writeString(dir.resolve("hidden.yaml"), "seed: abc\n");
        Files.writeString(dir.resolve("scalar.yaml"), "estimated_ms: 5\n");
        Files.writeString(dir.resolve("empty.yaml"), "seed:\n");
        Files.write(dir.resolve("latin1.yaml"), new byte[] {'s', 'e', 'e', 'd', ':', ' ', '"', (byte) 0xff, '"', '\n'});
        String trace = Files.readAllLines(Path.of("../training/src/test/resources/traces.jsonl")).get(0);
        byte[] withBad = (trace + "\n\"x\"\n").getBytes(StandardCharsets.UTF_8);
        withBad[withBad.length - 3] = (byte) 0xff; // line 2 is "\xff": not UTF-8
        Files.write(dir.resolve("latin1.jsonl"), withBad);
        Files.writeString(dir.resolve("intr.jsonl"), trace.replaceFirst("\\[CALL\\]a\\[HEAD\\]", "[INTR]a[HEAD]") + "\n");
        Files.writeString(dir.resolve("one-result.jsonl"), "{\"id\":\"simple_python_0\",\"result\":\"x\"}\n");
        Files.writeString(dir.resolve("dup-results.jsonl"), "{\"id\":\"simple_python_0\",\"result\":\"x\"}\n"
                + "{\"id\":\"simple_python_0\",\"result\":\"y\"}\n");
        Files.writeString(dir.resolve("nowhere.json"), "{\"calls\": [{\"id\": \"a\", \"function\": \"f\", \"exec_ms\": 1,"
                + " \"result\": {\"x\": 1}}, {\"id\": \"b\", \"function\": \"g\", \"exec_ms\": 1, \"arguments\":"
                + " {\"y\": {\"$ref\": \"a\", \"path\": \"/missing\"}}}]}");
        Files.writeString(dir.resolve("huge.json"), "{\"calls\": [{\"id\": \"a\", \"function\": \"f\", \"exec_ms\": 1e300}]}");
    }

    static Stream<Arguments> mistakes() {
        String synthetic = "--config ../configs/datagen/synthetic.yaml";
        return Stream.of(
                // output paths: a folder where a file goes, a file where a folder goes
                Arguments.of("datagen " + synthetic + " --n 2 --out {dir}/folder", "{dir}/folder: is a directory; name a file"),
                Arguments.of("datagen " + synthetic + " --n 2 --out {dir}/file/t.jsonl",
                        "{dir}/file: is a file, where a directory is needed"),
                Arguments.of("datagen " + synthetic + " --n 2 --out /proc/asynclm-test.jsonl",
                        "/proc/asynclm-test.jsonl: cannot be written there (the folder takes no new files)"),
                Arguments.of("init-model --preset tiny --out {dir}/file", "{dir}/file: is a file, where a directory is needed"),
                Arguments.of("train --model {dir}/m --traces ../training/src/test/resources/traces.jsonl --out {dir}/file",
                        "{dir}/file: not a directory"),
                Arguments.of("eval latency --dataset synthetic-parallel --n 2 --out {dir}/file",
                        "{dir}/file: is a file, where a directory is needed"),
                Arguments.of("eval synthetic --model {dir}/m --n 1 --max-tokens 5 --out {dir}/folder",
                        "{dir}/folder: is a directory; name a file"),
                Arguments.of("bfcl score --bfcl-dir " + BFCL + " --category simple_python --results {dir}/one-result.jsonl"
                        + " --out {dir}/folder", "{dir}/folder: is a directory; name a file"),
                Arguments.of("simulate --synthetic parallel --calls 3 --timeline {dir}/folder",
                        "{dir}/folder: is a directory; name a file"),
                Arguments.of("simulate --synthetic parallel --calls 3 --timeline {dir}/file/t.json",
                        "{dir}/file: is a file, where a directory is needed"),
                // numbers out of range
                Arguments.of("eval bfcl --model {dir}/m --bfcl-dir " + BFCL + " --categories simple_python --n -1 --out {dir}/b",
                        "--n and --max-tokens must be at least 1"),
                Arguments.of("simulate --synthetic parallel --calls 3 --max-tokens 0", "--max-tokens: must be at least 1, got 0"),
                Arguments.of("simulate --synthetic parallel --calls 100000",
                        "--calls, or --chains times --length: at most 1000 calls (a larger task does not fit a turn of "
                                + "the default 100,000 tokens)"),
                Arguments.of("datagen " + synthetic + " --n 2 --threads 0 --out {dir}/t.jsonl", "--threads: must be at least 1, got 0"),
                Arguments.of("eval synthetic --model {dir}/m --n 0", "--n and --max-tokens must be at least 1"),
                Arguments.of("eval synthetic --model {dir}/m --n 1 --max-tokens -3", "--n and --max-tokens must be at least 1"),
                Arguments.of("eval synthetic --model {dir}/m --n 1 --values exact",
                        "Invalid value for option '--values': must be one of [free, copied], got 'exact' (see "
                                + "'asynclm eval synthetic --help')"),
                Arguments.of("generate --model {dir}/m --prompt hi --max-tokens -1", "--max-tokens: must be at least 1, got -1"),
                Arguments.of("generate --model {dir}/m --prompt " + "x".repeat(5000),
                        "--prompt: 5000 tokens, and the model's context holds 4096; shorten it"),
                // configs
                Arguments.of("datagen --config {dir}/twice.yaml --out {dir}/t.jsonl", "{dir}/twice.yaml:3: n: given twice; keep one"),
                Arguments.of("datagen --config {dir}/hidden.yaml --set seed=3 --out {dir}/t.jsonl",
                        "{dir}/hidden.yaml:1: seed: expected a whole number, got 'abc'"),
                Arguments.of("datagen " + synthetic + " --set seed=1.5 --out {dir}/t.jsonl",
                        "--set seed: expected a whole number, got '1.5'"),
                Arguments.of("datagen --config {dir}/scalar.yaml --out {dir}/t.jsonl",
                        "{dir}/scalar.yaml:1: estimated_ms: expected [min, max]"),
                Arguments.of("datagen --config {dir}/empty.yaml --out {dir}/t.jsonl",
                        "{dir}/empty.yaml:1: seed: must not be empty; expected a whole number"),
                Arguments.of("datagen --config {dir}/latin1.yaml --out {dir}/t.jsonl", "{dir}/latin1.yaml:1: not UTF-8 text"),
                Arguments.of("datagen --config ../configs/datagen/bfcl-multi-turn.yaml --bfcl-dir " + BFCL
                        + " --set bfcl.estimated_ms_by_function={cd:0} --out {dir}/t.jsonl",
                        "--set bfcl.estimated_ms_by_function: 'cd:0' has no time (write {name: ms}, with a space after "
                                + "the colon)"),
                Arguments.of("datagen --config {dir}/zero-estimate.yaml --bfcl-dir " + BFCL + " --out {dir}/t.jsonl",
                        "{dir}/zero-estimate.yaml:3: bfcl.estimated_ms_by_function: 'cd' must be a time in ms > 0"),
                Arguments.of("datagen --config ../configs/datagen/bfcl-multi-turn.yaml --bfcl-dir " + BFCL
                        + " --set bfcl.estimated_ms_by_function.cdd=5 --out {dir}/t.jsonl",
                        "bfcl.estimated_ms_by_function: 'cdd' is not a function of the bfcl-multi-turn entries in " + BFCL),
                // BFCL entries
                Arguments.of("eval bfcl --model {dir}/m --bfcl-dir " + BFCL + " --categories multi_turn_base --ids "
                        + "multi_turn_base_1000 --out {dir}/b", "--ids: 'multi_turn_base_1000' is not an entry of multi_turn_base"),
                // data files
                Arguments.of("train-data --model {dir}/m --traces {dir}/latin1.jsonl", "{dir}/latin1.jsonl:2: not UTF-8 text"),
                Arguments.of("train-data --model {dir}/m --traces {dir}/intr.jsonl",
                        "{dir}/intr.jsonl:1: assistant[0].text: the model writes [INTR], which only the runtime writes"),
                Arguments.of("bfcl score --bfcl-dir " + BFCL + " --category simple_python --results {dir}/dup-results.jsonl",
                        "{dir}/dup-results.jsonl:2: id: 'simple_python_0' again (first on line 1)"),
                Arguments.of("simulate --scenario {dir}/nowhere.json",
                        "{dir}/nowhere.json:1: calls.1.arguments.y.path: '/missing' is not in the result of call 'a' ({\"x\":1})"),
                Arguments.of("simulate --scenario {dir}/huge.json",
                        "{dir}/huge.json:1: calls.0.exec_ms: must be a number of milliseconds from 0 to 86,400,000 (a day)"));
    }

    @ParameterizedTest
    @MethodSource("mistakes")
    void isOneLineInWordsWithExitCode2(String command, String message) {
        List<String> args = new ArrayList<>();
        for (String a : command.split(" ")) {
            args.add(a.replace("{dir}", dir.toString()));
        }
        CliTest.Result r = CliTest.run(args.toArray(String[]::new));
        List<String> lines = r.err().lines().filter(l -> !l.matches("[a-z ]+: \\d+/\\d+ .*")).toList();
        assertEquals(List.of("asynclm: " + message.replace("{dir}", dir.toString())), lines, r.err());
        assertEquals(2, r.code());
    }

    /** A JVM option (ASYNCLM_JAVA_OPTS) is input too: a mode that is not one is refused before any command runs. */
    @Test
    void anUnknownDenormalsModeIsOneLine() {
        System.setProperty(Main.DENORMALS, "zero");
        try {
            CliTest.Result r = CliTest.run("simulate", "--synthetic", "parallel", "--calls", "2");
            assertEquals(2, r.code());
            assertEquals("asynclm: -Dasynclm.denormals: must be one of [flush, keep], got 'zero'\n", r.err());
            assertEquals("", r.out(), "nothing ran");
        } finally {
            System.clearProperty(Main.DENORMALS);
        }
    }

    /** A run that cannot finish its task is no figure: its rows say so and the exit code is not 0. */
    @Test
    void simulateMarksUnfinishedRunsInvalid() {
        CliTest.Result r = CliTest.run("simulate", "--synthetic", "parallel", "--calls", "300", "--max-tokens", "2000");
        assertEquals(1, r.code());
        List<String> rows = r.out().lines().filter(l -> l.matches("(sync|sync-parallel|async-naive|async) +\\d.*"))
                .toList();
        assertEquals(4, rows.size(), r.out());
        assertTrue(rows.stream().allMatch(l -> l.endsWith("invalid        invalid")), r.out());
        assertTrue(r.err().contains("did not finish the task; those rows are marked invalid"), r.err());
    }

    /** A call nested past Python's limit is scored as BFCL's parser would score it, not a crash. */
    @Test
    void aDeeplyNestedCallIsADecoderFailure() throws Exception {
        Path results = dir.resolve("deep.jsonl");
        Files.writeString(results, "{\"id\":\"simple_python_0\",\"result\":\"" + "f(a=".repeat(2000) + "1"
                + ")".repeat(2000) + "\"}\n");
        Path out = dir.resolve("deep-score.jsonl");
        CliTest.Result r = CliTest.run("bfcl", "score", "--bfcl-dir", BFCL.toString(), "--category", "simple_python",
                "--results", results.toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.readAllLines(out).get(0).contains("\"error_type\":\"ast_decoder:decoder_failed\""));
    }

    /** The validator names the field a broken trace lacks, not the Java exception it would have caused. */
    @Test
    void validateNamesTheMissingField() throws Exception {
        Path f = dir.resolve("bare.jsonl");
        Files.writeString(f, "{\"schema\":\"asynclm.trace/1\"}\n");
        CliTest.Result r = CliTest.run("datagen", "validate", f.toString());
        assertEquals(1, r.code());
        assertTrue(r.out().contains(f + ":1: id: missing"), r.out());
        assertTrue(!r.out().contains("Exception") && !r.out().contains("Cannot invoke"), r.out());
    }
}
