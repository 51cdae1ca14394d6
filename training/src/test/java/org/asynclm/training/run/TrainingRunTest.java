package org.asynclm.training.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.asynclm.model.llama.TinyModel;
import org.asynclm.runtime.BadInputException;
import org.asynclm.runtime.files.AtomicFiles;
import org.asynclm.runtime.files.ContentHash;
import org.asynclm.runtime.stop.StopSignals;
import org.asynclm.runtime.stop.StoppedException;
import org.asynclm.training.config.TrainConfig;
import org.asynclm.training.sft.Trainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A training run as a whole, fresh and resumed, and what it leaves on disk when it ends early. */
class TrainingRunTest {
    @TempDir
    static Path shared;
    static Path model;

    @TempDir
    Path dir;

    @BeforeAll
    static void tinyModel() throws Exception {
        model = shared.resolve("tiny");
        TinyModel.write(model, TinyModel.preset(Path.of("../configs/model/tiny.yaml")), "tiny", 0);
    }

    @AfterEach
    void noStopLeft() {
        StopSignals.clear();
    }

    static TrainConfig config(int steps, String... sets) throws BadInputException {
        List<String> all = new ArrayList<>(List.of("base_model=\"" + model + "\"",
                "train_data=\"../training/src/test/resources/traces.jsonl\"", "steps=" + steps,
                "learning_rate=3e-3", "max_length=2400", "eval_fraction=0"));
        all.addAll(List.of(sets));
        return TrainConfig.load(null, all);
    }

    static List<Double> losses(Path run) throws IOException {
        List<Double> out = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve(RunDirectory.METRICS))) {
            out.add(new ObjectMapper().readTree(line).get("loss").asDouble());
        }
        return out;
    }

    /**
     * Twenty steps straight, and ten, then a resume from the checkpoint at step 10 for the other ten: the same
     * losses. Also for LoRA with dropout, trainable marker rows and gradient accumulation.
     */
    @ParameterizedTest
    @ValueSource(strings = {"full", "lora"})
    void aResumedRunIsTheSameRun(String method) throws Exception {
        String[] lora = method.equals("lora") ? new String[] {"method=lora", "lora.rank=4", "lora.dropout=0.1",
            "gradient_accumulation=2", "lora.trainable_tokens=[\"[CALL]\"]"} : new String[0];
        Path straight = dir.resolve("straight");
        TrainingRun.prepare(config(20, lora), straight, null, false).run(new TrainingRun.Observer() { });
        Path split = dir.resolve("split");
        TrainConfig c = config(20, concat(lora, "save_every=10"));
        TrainingRun first = TrainingRun.prepare(c, split, null, false);
        StopAfter stop = new StopAfter(12); // stopped as a signal stops it, two steps past the checkpoint
        assertThrows(StoppedException.class, () -> first.run(stop));
        assertEquals(10, first.lastCheckpoint().step());
        assertEquals(12, losses(split).size());
        StopSignals.clear();
        TrainingRun.Result resumed = TrainingRun.prepare(c, null, split.resolve("checkpoint-10"), false)
                .run(new TrainingRun.Observer() { });
        assertEquals(10, resumed.steps().size());
        List<Double> a = losses(straight);
        List<Double> b = losses(split);
        assertEquals(20, b.size(), "the log keeps steps 1-10 and has 11-20 once");
        for (int i = 0; i < 20; i++) {
            assertEquals(a.get(i), b.get(i), 1e-6, "step " + (i + 1));
        }
        BadInputException other = assertThrows(BadInputException.class, () -> TrainingRun.prepare(
                config(20, concat(lora, "save_every=10", "learning_rate=1e-3")), null, split.resolve("checkpoint-20"),
                false));
        assertTrue(other.getMessage().contains("trainer_state.json: learning_rate: the run used 0.003"),
                other.getMessage());
    }

    /**
     * A checkpoint written before a config key existed (here value_weight) resumes: the key takes its default, which
     * is what the older version did.
     */
    @Test
    void aCheckpointOfAnEarlierVersionResumes() throws Exception {
        Path run = dir.resolve("run");
        TrainConfig c = config(4, "save_every=2");
        assertThrows(StoppedException.class, () -> TrainingRun.prepare(c, run, null, false).run(new StopAfter(3)));
        StopSignals.clear();
        Path state = run.resolve("checkpoint-2").resolve(TrainerState.FILE);
        ObjectNode tree = (ObjectNode) new ObjectMapper().readTree(state.toFile());
        assertTrue(((ObjectNode) tree.get("config")).remove("value_weight") != null, "the key was written");
        new ObjectMapper().writeValue(state.toFile(), tree);
        assertEquals(1.0, TrainerState.read(state).config().valueWeight());
        TrainingRun.Result resumed = TrainingRun.prepare(c, null, run.resolve("checkpoint-2"), false)
                .run(new TrainingRun.Observer() { });
        assertEquals(2, resumed.steps().size());
    }

    /** Stops the run as SIGTERM would, once {@code after} steps are done. */
    private record StopAfter(int after) implements TrainingRun.Observer {
        @Override
        public void step(Trainer.Step s) {
            if (s.step() == after) {
                StopSignals.request(StopSignals.StopSignal.SIGTERM);
            }
        }
    }

    @Test
    void anEarlierRunIsNeverReusedSilently() throws Exception {
        Path run = dir.resolve("run");
        TrainingRun.prepare(config(4, "save_every=2"), run, null, false).run(new TrainingRun.Observer() { });
        assertTrue(Files.isDirectory(run.resolve("checkpoint-4")));
        BadInputException again = assertThrows(BadInputException.class,
                () -> TrainingRun.prepare(config(2), run, null, false).run(new TrainingRun.Observer() { }));
        assertTrue(again.getMessage().contains("holds an earlier run")
                && again.getMessage().contains("--resume " + run.resolve("checkpoint-4"))
                && again.getMessage().contains("--force"), again.getMessage());
        assertEquals(List.of("checkpoint-2", "checkpoint-4", "metrics.jsonl"), names(run), "untouched");
        assertEquals(4, losses(run).size());

        TrainingRun.Result over = TrainingRun.prepare(config(2, "save_every=1", "keep=5"), run, null, true)
                .run(new TrainingRun.Observer() { });
        assertEquals(run.resolve("checkpoint-2"), over.last().dir());
        assertEquals(List.of("checkpoint-1", "checkpoint-2", "metrics.jsonl"), names(run), "the old run is gone");
        assertEquals(2, TrainingCheckpoint.open(run.resolve("checkpoint-2")).state().steps());

        Files.writeString(run.resolve("notes.txt"), "mine");
        BadInputException foreign = assertThrows(BadInputException.class,
                () -> TrainingRun.prepare(config(2), run, null, true).run(new TrainingRun.Observer() { }));
        assertTrue(foreign.getMessage().contains("holds files a train run did not write (notes.txt)"),
                foreign.getMessage());
        assertTrue(Files.exists(run.resolve("checkpoint-2")));
    }

    @Test
    void aSecondWriterIsRefusedWithTheHoldersPid() throws Exception {
        Path run = dir.resolve("run");
        try (RunDirectory first = RunDirectory.fresh(run, false)) {
            BadInputException second = assertThrows(BadInputException.class,
                    () -> TrainingRun.prepare(config(2), run, null, false).run(new TrainingRun.Observer() { }));
            assertTrue(second.getMessage().contains("another train run (pid " + ProcessHandle.current().pid() + ")"),
                    second.getMessage());
        }
    }

    @Test
    void aResumeFromATruncatedOptimizerTouchesNothing() throws Exception {
        Path run = dir.resolve("run");
        TrainConfig c = config(4, "save_every=2");
        TrainingRun.prepare(c, run, null, false).run(new TrainingRun.Observer() { });
        Path checkpoint = run.resolve("checkpoint-2");
        AtomicFiles.removeTree(run.resolve("checkpoint-4"));
        try (FileChannel ch = FileChannel.open(checkpoint.resolve(TrainingCheckpoint.OPTIMIZER),
                StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() / 2);
        }
        byte[] metrics = Files.readAllBytes(run.resolve(RunDirectory.METRICS));
        BadInputException e = assertThrows(BadInputException.class, () -> TrainingRun.prepare(c, null, checkpoint,
                false));
        assertTrue(e.getMessage().contains("optimizer.safetensors") && e.getMessage().contains("truncated"),
                e.getMessage());
        assertEquals(new String(metrics), Files.readString(run.resolve(RunDirectory.METRICS)), "all four steps kept");
    }

    @Test
    void aResumeFromAnOlderCheckpointIsRefused() throws Exception {
        Path run = dir.resolve("run");
        TrainConfig c = config(4, "save_every=2");
        TrainingRun.prepare(c, run, null, false).run(new TrainingRun.Observer() { });
        TrainingRun older = TrainingRun.prepare(c, null, run.resolve("checkpoint-2"), false);
        BadInputException e = assertThrows(BadInputException.class, () -> older.run(new TrainingRun.Observer() { }));
        assertTrue(e.getMessage().contains("newer checkpoints (step 4)"), e.getMessage());
    }

    @Test
    void changedTracesAreSeenOnResume() throws Exception {
        Path traces = dir.resolve("traces.jsonl");
        Files.copy(Path.of("../training/src/test/resources/traces.jsonl"), traces);
        Path run = dir.resolve("run");
        TrainConfig c = config(4, "save_every=2", "train_data=\"" + traces + "\"");
        TrainingRun.prepare(c, run, null, false).run(new TrainingRun.Observer() { });
        TrainerState state = TrainingCheckpoint.open(run.resolve("checkpoint-4")).state();
        assertEquals(ContentHash.ofFile(traces), state.provenance().trainDataSha256());
        assertTrue(state.provenance().baseModelSha256().startsWith("sha256:"));
        assertFalse(state.provenance().codeVersion().isBlank());
        List<String> lines = Files.readAllLines(traces);
        Files.write(traces, lines.subList(0, 2));
        BadInputException e = assertThrows(BadInputException.class, () -> TrainingRun.prepare(
                c, null, run.resolve("checkpoint-4"), false));
        assertTrue(e.getMessage().contains("changed since the run began"), e.getMessage());
    }

    @Test
    void aMissingDeviceIsRefusedBeforeAnythingIsWritten() {
        Path run = dir.resolve("new");
        BadInputException e = assertThrows(BadInputException.class,
                () -> TrainingRun.prepare(config(2, "device=cuda:7"), run, null, false));
        assertTrue(e.getMessage().startsWith("device: cuda:7 is not available"), e.getMessage());
        assertFalse(Files.exists(run));
    }

    /** The base model is found broken only once the run has begun (it was cut after the checks). */
    @Test
    void aFreshRunThatFailsBeforeItsFirstStepLeavesNothing() throws Exception {
        Path broken = shared.resolve("broken");
        TinyModel.write(broken, TinyModel.preset(Path.of("../configs/model/tiny.yaml")), "tiny", 0);
        TrainingRun full = TrainingRun.prepare(config(2, "base_model=\"" + broken + "\""), dir.resolve("new"),
                null, false);
        Path empty = Files.createDirectory(dir.resolve("empty"));
        TrainingRun lora = TrainingRun.prepare(config(2, "base_model=\"" + broken + "\"", "method=lora"), empty,
                null, false);
        Files.writeString(broken.resolve("config.json"), "{");
        assertThrows(BadInputException.class, () -> full.run(new TrainingRun.Observer() { }));
        assertFalse(Files.exists(dir.resolve("new")), "no empty run directory");
        assertThrows(BadInputException.class, () -> lora.run(new TrainingRun.Observer() { }));
        assertEquals(List.of(), names(empty), "no metrics.jsonl, no adapter-init; the directory stays");
        assertFalse(Files.exists(empty.resolve(".lock")));
    }

    @Test
    void nonFiniteWeightsStopTheRunBeforeACheckpoint() throws Exception {
        Path run = dir.resolve("run");
        // a finite rate whose updates overflow float32: the weights become infinite after the first step
        TrainingRun r = TrainingRun.prepare(config(1, "learning_rate=1e39", "warmup=0"), run, null, false);
        Trainer.DivergedException e = assertThrows(Trainer.DivergedException.class,
                () -> r.run(new TrainingRun.Observer() { }));
        assertTrue(e.getMessage().contains("is not finite"), e.getMessage());
        assertFalse(Files.exists(run.resolve("checkpoint-1")), "no checkpoint");
    }

    @Test
    void leftoversOfAKilledRunAreCleanedAndOutputsAreReadable() throws Exception {
        Path run = dir.resolve("run");
        TrainConfig c = config(4, "save_every=2");
        TrainingRun.prepare(c, run, null, false).run(new TrainingRun.Observer() { });
        AtomicFiles.removeTree(run.resolve("checkpoint-4"));
        Files.createDirectories(run.resolve(".checkpoint-4-123/sub"));
        Files.createDirectories(run.resolve(".deleting-checkpoint-1-456"));
        Files.writeString(run.resolve(".metrics.jsonl789.tmp"), "half");
        TrainingRun.prepare(config(4, "save_every=2"), null, run.resolve("checkpoint-2"), false)
                .run(new TrainingRun.Observer() { });
        assertEquals(List.of("checkpoint-2", "checkpoint-4", "metrics.jsonl"), names(run));
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(run.resolve("checkpoint-4"))));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                run.resolve("checkpoint-4/model.safetensors"))));
    }

    /** The visible names in {@code d}, and any hidden one that is not the lock. */
    static List<String> names(Path d) throws IOException {
        try (var list = Files.list(d)) {
            return list.map(p -> p.getFileName().toString()).filter(n -> !n.equals(".lock")).sorted().toList();
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
