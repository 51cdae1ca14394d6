package org.asynclm.training.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.asynclm.runtime.BadInputException;
import org.asynclm.runtime.files.AtomicFiles;

/**
 * The directory of one training run, and the rules that keep it whole:
 * <ul>
 *   <li>it is created fresh or resumed, never silently reused: a directory holding an earlier run is refused unless
 *       the user asks to start over ({@code force}), and a directory holding anything a run does not write is
 *       refused even then;</li>
 *   <li>one writer at a time ({@link RunLock});</li>
 *   <li>a checkpoint is written under a temporary name and renamed into place when complete, and an old one is
 *       renamed away before it is deleted, so a {@code checkpoint-STEP} directory is always complete;</li>
 *   <li>opening cleans the temporaries a killed run left;</li>
 *   <li>a resume keeps the log of the steps its checkpoint holds, and touches nothing until the caller's checks
 *       passed (the log is rewritten only when the first new step arrives);</li>
 *   <li>a fresh run that fails before its first step leaves nothing behind.</li>
 * </ul>
 * Layout: {@code metrics.jsonl}, {@code checkpoint-STEP/} (see {@link TrainingCheckpoint}), the charts,
 * {@code adapter-init/} (a LoRA run's initial adapter) and {@code .lock}.
 */
public final class RunDirectory implements AutoCloseable {
    public static final String METRICS = "metrics.jsonl";
    public static final String INITIAL_ADAPTER = "adapter-init";
    private static final Pattern CHECKPOINT = Pattern.compile("checkpoint-(\\d+)");
    /** Names a train run writes (and so may remove when starting over); anything else is the user's. */
    private static final Pattern RUN_OWNED = Pattern.compile(
            "checkpoint-\\d+|metrics\\.jsonl|loss\\.png|tasks\\.png|adapter-init|\\.lock|\\.checkpoint-.*|"
                    + "\\.deleting-.*|\\..+\\.tmp");
    /** What a killed run leaves half-made: a checkpoint being written or deleted, a file being replaced. */
    private static final Pattern TEMPORARY = Pattern.compile("\\.checkpoint-.*|\\.deleting-.*|\\..+\\.tmp");

    private final Path dir;
    private final boolean created;
    private final TrainingCheckpoint resumedFrom;
    private final RunLock lock;
    private MetricsLog metrics;
    private int saved;

    private RunDirectory(Path dir, boolean created, TrainingCheckpoint resumedFrom, RunLock lock) {
        this.dir = dir;
        this.created = created;
        this.resumedFrom = resumedFrom;
        this.lock = lock;
    }

    /**
     * A new run in {@code dir}: a missing or empty directory, or with {@code force} an earlier run's, whose
     * checkpoints and metrics are then removed.
     */
    public static RunDirectory fresh(Path dir, boolean force) throws BadInputException, IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new BadInputException(dir + ": not a directory");
        }
        boolean created = !Files.exists(dir);
        List<String> earlier = created ? List.of() : entries(dir);
        if (!created) {
            if (RunLock.isHeld(dir)) {
                throw RunLock.held(dir);
            }
            List<String> foreign = earlier.stream().filter(n -> !RUN_OWNED.matcher(n).matches()).toList();
            if (!foreign.isEmpty()) {
                throw new BadInputException(dir + ": holds files a train run did not write (" + listed(foreign)
                        + "); choose another --out");
            }
            List<String> kept = earlier.stream().filter(n -> !TEMPORARY.matcher(n).matches() && !n.equals(RunLock.FILE))
                    .toList();
            if (!kept.isEmpty() && !force) {
                String newest = newest(dir).map(c -> " --resume " + c.dir()).orElse("");
                throw new BadInputException(dir + ": holds an earlier run (" + listed(kept) + "); "
                        + (newest.isEmpty() ? "" : "continue it with" + newest + ", or ")
                        + "start over with --force");
            }
        }
        Files.createDirectories(dir);
        if (created) {
            AtomicFiles.publish(dir);
        }
        RunLock lock = RunLock.acquire(dir);
        try {
            for (String name : earlier) {
                if (!name.equals(RunLock.FILE)) {
                    AtomicFiles.removeTree(dir.resolve(name));
                }
            }
        } catch (IOException e) {
            lock.close();
            throw e;
        }
        return new RunDirectory(dir, created, null, lock);
    }

    /**
     * The run {@code from} belongs to, to continue it: {@code out} (null: the checkpoint's parent) must be that run's
     * directory, and the checkpoint must be the run's newest, since the continued run would write over the newer.
     */
    public static RunDirectory resume(TrainingCheckpoint from, Path out) throws BadInputException, IOException {
        Path checkpoint = from.dir().toAbsolutePath().normalize();
        Path dir = checkpoint.getParent();
        if (!CHECKPOINT.matcher(checkpoint.getFileName().toString()).matches()) {
            throw new BadInputException(from.dir() + ": --resume takes a checkpoint-STEP directory of a train run");
        }
        if (out != null && !out.toAbsolutePath().normalize().equals(dir)) {
            throw new BadInputException("--out " + out + ": a resumed run continues in its own directory, " + dir
                    + "; leave out --out or name that one");
        }
        if (RunLock.isHeld(dir)) {
            throw RunLock.held(dir);
        }
        List<Integer> newer = steps(dir).stream().filter(s -> s > from.step()).toList();
        if (!newer.isEmpty()) {
            throw new BadInputException(from.dir() + ": the run has newer checkpoints (step " + listed(newer)
                    + "); resume from the newest, or move the newer ones away first");
        }
        RunLock lock = RunLock.acquire(dir);
        try {
            for (String name : entries(dir)) {
                if (TEMPORARY.matcher(name).matches()) {
                    AtomicFiles.removeTree(dir.resolve(name));
                }
            }
        } catch (IOException e) {
            lock.close();
            throw e;
        }
        return new RunDirectory(dir, false, from, lock);
    }

    public Path dir() {
        return dir;
    }

    public Path metricsFile() {
        return dir.resolve(METRICS);
    }

    public Path initialAdapter() {
        return dir.resolve(INITIAL_ADAPTER);
    }

    /**
     * The log the run appends its steps to, opened at the first call: a resumed run's log first keeps the lines of
     * the steps up to its checkpoint (later ones belong to what the checkpoint never saw).
     */
    public MetricsLog metrics() throws IOException {
        if (metrics == null) {
            Path file = metricsFile();
            if (resumedFrom != null) {
                List<String> kept = new ArrayList<>();
                if (Files.exists(file)) {
                    for (String line : Files.readAllLines(file)) {
                        int step = MetricsLog.stepOf(line);
                        if (step >= 1 && step <= resumedFrom.step()) {
                            kept.add(line);
                        }
                    }
                }
                AtomicFiles.writeString(file, kept.isEmpty() ? "" : String.join("\n", kept) + "\n");
            }
            metrics = new MetricsLog(file);
        }
        return metrics;
    }

    /** Writes the checkpoint's own files into a directory given to it; the trainer state is added after. */
    @FunctionalInterface
    public interface Contents {
        void write(Path dir) throws IOException;
    }

    /**
     * Writes {@code checkpoint-STEP}: the contents and the trainer state into a temporary directory, renamed into
     * place when complete; then the checkpoints beyond the newest {@code keep} are removed.
     */
    public TrainingCheckpoint save(TrainerState state, Contents contents, int keep) throws IOException {
        Path target = dir.resolve("checkpoint-" + state.step());
        if (Files.exists(target)) { // the rules above leave no checkpoint ahead of the run
            throw new IllegalStateException(target + " exists");
        }
        Path tmp = Files.createTempDirectory(dir, ".checkpoint-" + state.step() + "-");
        try {
            contents.write(tmp);
            state.write(tmp.resolve(TrainerState.FILE));
            AtomicFiles.publishTree(tmp);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            if (Files.exists(tmp)) {
                AtomicFiles.removeTree(tmp);
            }
        }
        saved++;
        List<Integer> all = steps(dir);
        for (int s : all.subList(0, Math.max(0, all.size() - keep))) {
            AtomicFiles.removeTree(dir.resolve("checkpoint-" + s));
        }
        return new TrainingCheckpoint(target, state);
    }

    /** The run's newest checkpoint that opens whole, if any. */
    public static Optional<TrainingCheckpoint> newest(Path dir) {
        return checkpoints(dir).stream().reduce((a, b) -> b);
    }

    /** The newest checkpoint of a run that reached its last step, if any. */
    public static Optional<TrainingCheckpoint> finished(Path dir) {
        return checkpoints(dir).stream().filter(c -> c.state().finished()).reduce((a, b) -> b);
    }

    /** The checkpoints of {@code dir} that open whole, by step. */
    static List<TrainingCheckpoint> checkpoints(Path dir) {
        List<TrainingCheckpoint> out = new ArrayList<>();
        for (int s : steps(dir)) {
            try {
                out.add(TrainingCheckpoint.open(dir.resolve("checkpoint-" + s)));
            } catch (BadInputException e) {
                // not a whole checkpoint (a user's copy, an older layout): not one to continue from
            }
        }
        return out;
    }

    /** The steps of the {@code checkpoint-STEP} directories in {@code dir}, ascending. */
    private static List<Integer> steps(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try {
            return entries(dir).stream().map(CHECKPOINT::matcher).filter(Matcher::matches)
                    .map(m -> Integer.parseInt(m.group(1))).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static List<String> entries(Path dir) throws IOException {
        try (var list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static String listed(List<?> items) {
        List<String> shown = items.stream().limit(4).map(String::valueOf).toList();
        return String.join(", ", shown) + (items.size() > 4 ? ", ..." : "");
    }

    /**
     * Releases the lock. A fresh run that wrote no step leaves nothing: its log, its initial adapter, and the
     * directory itself when the run made it.
     */
    @Override
    public void close() throws IOException {
        if (metrics != null) {
            metrics.close();
        }
        boolean nothingDone = resumedFrom == null && saved == 0 && (metrics == null || metrics.written() == 0);
        lock.close();
        if (nothingDone) {
            for (String name : List.of(METRICS, INITIAL_ADAPTER, RunLock.FILE)) {
                if (Files.exists(dir.resolve(name))) {
                    AtomicFiles.removeTree(dir.resolve(name));
                }
            }
            if (created && entries(dir).isEmpty()) {
                Files.delete(dir);
            }
        }
    }
}
