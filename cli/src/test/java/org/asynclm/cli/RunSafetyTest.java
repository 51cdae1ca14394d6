package org.asynclm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.asynclm.runtime.files.AtomicFiles;
import org.asynclm.training.run.RunDirectory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mistakes and faults that once lost a user's data or crashed, each as a user makes it (the signals, kill -9 and
 * the second writer are in {@link TrainFaultTest}). Every one must leave what was there as it was.
 */
class RunSafetyTest {
    @TempDir
    static Path dir;
    static Path model;
    static Path run;

    @BeforeAll
    static void aFinishedRun() {
        model = dir.resolve("tiny");
        assertEquals(0, CliTest.run("init-model", "--preset", "../configs/model/tiny.yaml", "--out", model.toString(),
                "--seed", "0").code());
        run = dir.resolve("run");
        CliTest.Result r = CliTest.run(train(run, "4"));
        assertEquals(0, r.code(), r.err());
    }

    static String[] train(Path out, String steps, String... more) {
        List<String> args = new ArrayList<>(List.of("train", "--model", model.toString(), "--traces",
                "../training/src/test/resources/traces.jsonl", "--steps", steps, "--set",
                "max_length=2400", "--set", "eval_fraction=0", "--set", "save_every=2", "--out", out.toString()));
        args.addAll(List.of(more));
        if (!args.contains("--lr")) {
            args.addAll(List.of("--lr", "3e-3"));
        }
        return args.toArray(String[]::new);
    }

    private static List<String> names(Path d) throws Exception {
        try (var list = Files.list(d)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** 1: export --out once deleted whatever was there, the source checkpoint and its run included. */
    @Test
    void exportNeverDeletesWhatItDidNotWrite() throws Exception {
        Path checkpoint = run.resolve("checkpoint-4");
        Path mine = Files.createDirectories(dir.resolve("mine"));
        Files.writeString(mine.resolve("notes.txt"), "keep me");
        for (Path target : List.of(mine, checkpoint, run, dir)) {
            List<String> before = names(target);
            CliTest.Result r = CliTest.run("export", "--checkpoint", checkpoint.toString(), "--format", "merged",
                    "--out", target.toString());
            assertEquals(2, r.code(), target + ": " + r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertEquals(before, names(target), target + " untouched");
        }
        assertTrue(Files.exists(checkpoint.resolve("optimizer.safetensors")));
        Path aFile = Files.writeString(dir.resolve("a-file"), "x");
        CliTest.Result onFile = CliTest.run("export", "--checkpoint", checkpoint.toString(), "--format", "merged",
                "--out", aFile.toString());
        assertEquals("asynclm: --out " + aFile + ": exists and is not a directory", onFile.err().strip());
        assertTrue(CliTest.run("export", "--checkpoint", checkpoint.toString(), "--format", "merged", "--out",
                mine.toString()).err().contains("not an earlier export"));
        assertTrue(CliTest.run("export", "--checkpoint", checkpoint.toString(), "--format", "merged", "--out",
                run.toString()).err().contains("would write into or over the checkpoint"));

        Path export = dir.resolve("export");
        assertEquals(0, CliTest.run("export", "--checkpoint", checkpoint.toString(), "--format", "merged", "--out",
                export.toString()).code());
        CliTest.Result again = CliTest.run("export", "--checkpoint", run.resolve("checkpoint-2").toString(),
                "--format", "merged", "--out", export.toString());
        assertEquals(0, again.code(), again.err()); // an earlier export is replaced
        assertTrue(Files.readString(export.resolve("export.json")).contains("checkpoint-2"));
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(export)));
        assertEquals(List.of("config.json", "export.json", "generation_config.json", "model.safetensors",
                "tokenizer.json", "tokenizer_config.json"), names(export));
    }

    /** 2: a second run into an earlier run's folder deleted its own checkpoints and exited 0. */
    @Test
    void anEarlierRunIsRefusedAndForceStartsOver() throws Exception {
        Path earlier = dir.resolve("earlier");
        assertEquals(0, CliTest.run(train(earlier, "6")).code());
        List<String> before = names(earlier);
        String metrics = Files.readString(earlier.resolve(RunDirectory.METRICS));
        CliTest.Result again = CliTest.run(train(earlier, "2"));
        assertEquals(2, again.code());
        assertTrue(again.err().contains("holds an earlier run") && again.err().contains("--force"), again.err());
        assertEquals(before, names(earlier));
        assertEquals(metrics, Files.readString(earlier.resolve(RunDirectory.METRICS)));

        CliTest.Result over = CliTest.run(train(earlier, "2", "--force"));
        assertEquals(0, over.code(), over.err());
        assertTrue(over.out().contains("checkpoint: " + earlier.resolve("checkpoint-2")), over.out());
        assertTrue(Files.isDirectory(earlier.resolve("checkpoint-2")));
        assertFalse(Files.exists(earlier.resolve("checkpoint-6")));
        assertEquals(2, Files.readAllLines(earlier.resolve(RunDirectory.METRICS)).size());
    }

    /** 5: a resume from a cut optimizer state cut the log before it failed. */
    @Test
    void aResumeFromATruncatedOptimizerLeavesTheLog() throws Exception {
        Path cut = dir.resolve("cut");
        assertEquals(0, CliTest.run(train(cut, "4")).code());
        AtomicFiles.removeTree(cut.resolve("checkpoint-4"));
        Path optimizer = cut.resolve("checkpoint-2/optimizer.safetensors");
        try (FileChannel ch = FileChannel.open(optimizer, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 100);
        }
        String metrics = Files.readString(cut.resolve(RunDirectory.METRICS));
        CliTest.Result r = CliTest.run(train(cut, "4", "--resume", cut.resolve("checkpoint-2").toString()));
        assertEquals(2, r.code());
        assertTrue(r.err().contains(optimizer.toString()), r.err());
        assertEquals(metrics, Files.readString(cut.resolve(RunDirectory.METRICS)), "four lines still");
    }

    /** 6: --lr Infinity passed as "positive" and wrote NaN weights with exit 0. */
    @Test
    void nonFiniteRatesAreRefusedAndInfiniteWeightsAreNeverSaved() throws Exception {
        CliTest.Result inf = CliTest.run(train(dir.resolve("inf"), "2", "--lr", "Infinity"));
        assertEquals(2, inf.code());
        assertEquals("asynclm: --lr learning_rate: must be a finite number", inf.err().strip());
        assertFalse(Files.exists(dir.resolve("inf")));
        Path huge = dir.resolve("huge");
        CliTest.Result r = CliTest.run(train(huge, "1", "--lr", "1e39", "--set", "warmup=0"));
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("is not finite; lower the learning rate; no checkpoint was written"), r.err());
        assertFalse(Files.exists(huge.resolve("checkpoint-1")));
    }

    /** 8: chat with standard input closed read the JVM's own files as input, then died of SIGSEGV. */
    @Test
    void chatWithAClosedStandardInputSaysSo() throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", "-c", "exec \"$@\" <&-", "chat"));
        command.addAll(ChildProcess.command("chat", "--model", model.toAbsolutePath().toString()));
        ChildProcess chat = ChildProcess.start(dir.resolve("cwd-chat"), command);
        assertEquals(2, chat.waitFor(60), chat.stderr());
        assertEquals("asynclm: chat: standard input is closed; run it on a terminal, or give it a file or a pipe "
                + "(< lines.txt)", chat.stderr().strip());
    }

    /** 9: SIGTERM during datagen left its hidden temporary file. */
    @Test
    void sigtermDuringDatagenLeavesNoTemporaryFile() throws Exception {
        Path out = Files.createDirectories(dir.resolve("datagen-out"));
        ChildProcess datagen = ChildProcess.start(dir.resolve("cwd-datagen"), "datagen", "--config",
                Path.of("../configs/datagen/synthetic.yaml").toAbsolutePath().toString(), "--n", "1000000",
                "--threads", "1", "--out", out.resolve("t.jsonl").toString());
        long end = System.nanoTime() + 60_000_000_000L;
        while (names(out).isEmpty() && datagen.process.isAlive() && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertTrue(names(out).get(0).endsWith(".tmp"), "writing: " + names(out));
        datagen.process.destroy();
        assertEquals(143, datagen.waitFor(60), datagen.stderr());
        assertEquals(List.of(), names(out));
        assertEquals(List.of(), datagen.crashLogs());
    }

    /** 9: checkpoints were private (0700) while init-model's folders were 0755. */
    @Test
    void checkpointsAreReadableByOthers() throws Exception {
        for (Path d : List.of(run.resolve("checkpoint-4"), run.resolve("checkpoint-2"), model)) {
            assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(d)), d.toString());
        }
    }
}
