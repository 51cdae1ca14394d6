package org.asynclm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.asynclm.model.lora.LoraAdapter;
import org.asynclm.runtime.BadInputException;
import org.asynclm.training.run.RunDirectory;
import org.asynclm.training.run.TrainingCheckpoint;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Train runs in processes of their own, killed with SIGKILL at random points and stopped with SIGTERM: every
 * checkpoint directory left is complete or absent, and the newest resumes to the uninterrupted run's losses.
 */
class TrainFaultTest {
    private static final int STEPS = 24;
    private static final int KILLS = 4;

    @TempDir
    static Path dir;
    static Path model;
    static List<Double> reference;

    @BeforeAll
    static void uninterruptedRun() throws Exception {
        model = dir.resolve("tiny");
        assertEquals(0, CliTest.run("init-model", "--preset", "../configs/model/tiny.yaml", "--out", model.toString(),
                "--seed", "0").code());
        Path straight = dir.resolve("straight");
        CliTest.Result r = CliTest.run(train(straight));
        assertEquals(0, r.code(), r.err());
        reference = losses(straight);
        assertEquals(STEPS, reference.size());
    }

    static String[] train(Path out, String... more) {
        List<String> args = new ArrayList<>(List.of("train", "--model", model.toString(), "--traces",
                Path.of("../training/src/test/resources/traces.jsonl").toAbsolutePath().toString(),
                "--steps", String.valueOf(STEPS), "--lr", "3e-3", "--set", "max_length=2400", "--set",
                "eval_fraction=0", "--set", "save_every=3", "--set", "keep=2", "--out", out.toString()));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    static List<Double> losses(Path run) throws IOException {
        List<Double> out = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve(RunDirectory.METRICS))) {
            out.add(new ObjectMapper().readTree(line).get("loss").asDouble());
        }
        return out;
    }

    @Test
    void killedAtRandomPointsEveryCheckpointIsWholeAndResumesToTheSameRun() throws Exception {
        Random random = new Random(7);
        for (int k = 0; k < KILLS; k++) {
            Path run = dir.resolve("killed-" + k);
            ChildProcess child = ChildProcess.start(dir.resolve("cwd-killed-" + k), train(run));
            boolean running = child.awaitLines(run.resolve(RunDirectory.METRICS), 1, 120);
            if (running) {
                Thread.sleep(random.nextInt(2500)); // anywhere in the run: steps, checkpoint writes, rotations
                child.process.destroyForcibly(); // SIGKILL
            }
            child.waitFor(60);
            String where = "kill " + k;
            List<TrainingCheckpoint> whole = wholeCheckpoints(run, where);
            System.out.printf("%s: %d steps logged, checkpoints %s, leftovers %s%n", where,
                    Files.exists(run.resolve(RunDirectory.METRICS)) ? Files.readAllLines(run.resolve(RunDirectory.METRICS)).size() : 0,
                    whole.stream().map(TrainingCheckpoint::step).toList(), hidden(run));
            if (whole.isEmpty()) {
                continue; // killed before its first checkpoint: nothing to resume
            }
            Path newest = whole.get(whole.size() - 1).dir();
            if (whole.get(whole.size() - 1).state().finished()) {
                assertEquals(reference, losses(run), where + ": finished before the kill");
                continue;
            }
            CliTest.Result resumed = CliTest.run(train(run, "--resume", newest.toString()));
            assertEquals(0, resumed.code(), where + ": " + resumed.err());
            assertSameLosses(losses(run), where + " resumed from " + newest.getFileName());
        }
    }

    @Test
    void sigtermStopsAfterAStepWithExit143AndNoCrashAndASecondWriterIsRefused() throws Exception {
        Path run = dir.resolve("terminated");
        ChildProcess child = ChildProcess.start(dir.resolve("cwd-terminated"), train(run));
        assertTrue(child.awaitLines(run.resolve(RunDirectory.METRICS), 4, 120), "the run ended too soon to signal: "
                + child.stderr());

        CliTest.Result second = CliTest.run(train(run));
        assertEquals(2, second.code(), second.err());
        assertTrue(second.err().contains("another train run (pid " + child.pid() + ")"), second.err());

        child.process.destroy(); // SIGTERM
        assertEquals(143, child.waitFor(60), child.stderr());
        assertTrue(child.stderr().contains("stopped by SIGTERM"), child.stderr());
        assertEquals(List.of(), child.crashLogs(), "no hs_err file");
        List<TrainingCheckpoint> whole = wholeCheckpoints(run, "SIGTERM");
        assertTrue(!whole.isEmpty(), "a checkpoint to resume from");
        Path newest = whole.get(whole.size() - 1).dir();
        CliTest.Result resumed = CliTest.run(train(run, "--resume", newest.toString()));
        assertEquals(0, resumed.code(), resumed.err());
        assertSameLosses(losses(run), "after SIGTERM, resumed from " + newest.getFileName());
    }

    /** Every checkpoint-* directory opens whole and has all its files; returned by step. */
    private static List<TrainingCheckpoint> wholeCheckpoints(Path run, String where) throws IOException {
        List<TrainingCheckpoint> out = new ArrayList<>();
        if (!Files.isDirectory(run)) {
            return out;
        }
        List<Path> dirs;
        try (var list = Files.list(run)) {
            dirs = list.filter(p -> p.getFileName().toString().matches("checkpoint-\\d+")).sorted(
                    Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString().substring(11))))
                    .toList();
        }
        for (Path d : dirs) {
            try {
                out.add(TrainingCheckpoint.open(d));
            } catch (BadInputException e) {
                throw new AssertionError(where + ": " + d.getFileName() + " is not whole: " + e.getMessage());
            }
            for (String f : List.of("config.json", "tokenizer.json", "model.safetensors", "optimizer.safetensors",
                    "trainer_state.json")) {
                assertTrue(Files.exists(d.resolve(f)), where + ": " + d.getFileName() + " lacks " + f);
            }
            assertTrue(!Files.exists(d.resolve(LoraAdapter.CONFIG)));
        }
        return out;
    }

    private static List<String> hidden(Path run) throws IOException {
        if (!Files.isDirectory(run)) {
            return List.of();
        }
        try (var list = Files.list(run)) {
            return list.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".") && !n.equals(".lock")).toList();
        }
    }

    private static void assertSameLosses(List<Double> got, String where) {
        assertEquals(STEPS, got.size(), where + ": one line per step");
        for (int i = 0; i < STEPS; i++) {
            assertEquals(reference.get(i), got.get(i), 1e-6, where + ": step " + (i + 1));
        }
    }
}
