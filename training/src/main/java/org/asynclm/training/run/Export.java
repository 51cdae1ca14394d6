package org.asynclm.training.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import org.asynclm.model.lora.LoraAdapter;
import org.asynclm.model.lora.MergedWeights;
import org.asynclm.model.safetensors.WeightFiles;
import org.asynclm.runtime.BadInputException;
import org.asynclm.runtime.config.ConfigName;
import org.asynclm.runtime.files.AtomicFiles;
import org.asynclm.runtime.files.CodeVersion;
import org.asynclm.runtime.files.ContentHash;

/**
 * A training checkpoint without its optimizer state, as other tools load it: a LoRA adapter in PEFT's layout, or a
 * Hugging Face checkpoint with the adapter (if any) folded into the base. The export is built in a temporary
 * directory and renamed into place; {@code export.json} records where it came from, and marks the directory as an
 * export that a later export may replace. Nothing else is ever replaced, and the source is never written.
 */
public final class Export {
    public static final String RECORD = "export.json";

    public enum Format implements ConfigName { PEFT, MERGED }

    /** {@code export.json}: the source checkpoint with its hash, the base a merge used, the code, the time. */
    public record Record(Format format, String checkpoint, int step, String checkpointSha256, String baseModel,
                         String baseModelSha256, String codeVersion, String created) {
    }

    private Export() {
    }

    /** Writes {@code out}; {@code base} (may be null) overrides the base model the checkpoint's state names. */
    public static Record write(Path checkpoint, Format format, Path base, Path out)
            throws BadInputException, IOException {
        boolean lora = Files.exists(checkpoint.resolve(LoraAdapter.CONFIG));
        if (!lora && !Files.exists(checkpoint.resolve("config.json"))) {
            throw new BadInputException(checkpoint + ": neither " + LoraAdapter.CONFIG + " nor config.json: not a "
                    + "checkpoint of a train run");
        }
        if (format == Format.PEFT && !lora) {
            throw new BadInputException(checkpoint + ": a full fine-tuning checkpoint has no adapter; use --format merged");
        }
        TrainingCheckpoint source = TrainingCheckpoint.open(checkpoint);
        refuseOverlap(source.dir(), out);
        refuseForeign(out);
        Path baseModel = format == Format.MERGED && lora ? base(source, base) : null;
        Path parent = out.toAbsolutePath().normalize().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempDirectory(parent, ".export-");
        try {
            if (format == Format.PEFT) {
                copy(source.dir(), tmp, List.of(LoraAdapter.CONFIG, LoraAdapter.WEIGHTS));
            } else if (lora) {
                TrainingCheckpoint.copyModelFiles(baseModel, tmp);
                MergedWeights.write(baseModel, LoraAdapter.load(source.dir()), tmp.resolve(WeightFiles.SINGLE));
            } else {
                TrainingCheckpoint.copyModelFiles(source.dir(), tmp);
                copy(source.dir(), tmp, List.of(WeightFiles.SINGLE));
            }
            Record record = new Record(format, source.dir().toAbsolutePath().normalize().toString(), source.step(),
                    ContentHash.ofModel(source.dir()),
                    baseModel == null ? null : baseModel.toAbsolutePath().normalize().toString(),
                    baseModel == null ? null : ContentHash.ofModel(baseModel), CodeVersion.current(),
                    Instant.now().toString());
            TrainerState.JSON.writeValue(tmp.resolve(RECORD).toFile(), record);
            AtomicFiles.publishTree(tmp);
            replace(tmp, out);
            return record;
        } finally {
            if (Files.exists(tmp)) {
                AtomicFiles.removeTree(tmp);
            }
        }
    }

    /** The export must lie neither inside the checkpoint nor around it (the run directory, or any folder above). */
    private static void refuseOverlap(Path checkpoint, Path out) throws BadInputException, IOException {
        Path source = checkpoint.toRealPath();
        Path target = Files.exists(out) ? out.toRealPath() : out.toAbsolutePath().normalize();
        if (target.startsWith(source) || source.startsWith(target)) {
            throw new BadInputException("--out " + out + ": would write into or over the checkpoint " + checkpoint
                    + "; choose a directory outside it and outside its run");
        }
    }

    /** An existing target must be an empty directory or an earlier export. */
    private static void refuseForeign(Path out) throws BadInputException, IOException {
        if (!Files.exists(out)) {
            return;
        }
        if (!Files.isDirectory(out)) {
            throw new BadInputException("--out " + out + ": exists and is not a directory");
        }
        try (var list = Files.list(out)) {
            if (list.findAny().isPresent() && !Files.exists(out.resolve(RECORD))) {
                throw new BadInputException("--out " + out + ": holds files that are not an earlier export (no "
                        + RECORD + "); choose an empty or new directory");
            }
        }
    }

    private static Path base(TrainingCheckpoint source, Path given) throws BadInputException {
        Path base = given != null ? given : Path.of(source.state().baseModel());
        if (!Files.exists(base.resolve("config.json"))) {
            throw new BadInputException(base + ": the base model of " + source.dir() + " is not there (no config.json);"
                    + " name it with --model DIR");
        }
        return base;
    }

    /** Puts {@code tmp} at {@code out}; an earlier export there is renamed away first, then removed. */
    private static void replace(Path tmp, Path out) throws IOException {
        if (!Files.exists(out)) {
            Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
            return;
        }
        Path old = out.resolveSibling(".deleting-" + out.getFileName() + "-" + System.nanoTime());
        Files.move(out, old, StandardCopyOption.ATOMIC_MOVE);
        Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
        AtomicFiles.removeTree(old);
    }

    /** Copies those of {@code names} that exist; a missing weights file is an error. */
    private static void copy(Path from, Path to, List<String> names) throws IOException, BadInputException {
        for (String f : names) {
            if (Files.exists(from.resolve(f))) {
                Files.copy(from.resolve(f), to.resolve(f));
            } else if (f.endsWith(".safetensors")) {
                throw new BadInputException(from.resolve(f) + ": missing");
            }
        }
    }
}
