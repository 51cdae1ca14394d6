package org.asynclm.training.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.asynclm.model.lora.LoraAdapter;
import org.asynclm.model.safetensors.Safetensors;
import org.asynclm.model.safetensors.WeightFiles;
import org.asynclm.runtime.BadInputException;

/**
 * A {@code checkpoint-STEP} directory of a train run, checked whole when opened: its trainer state reads, and its
 * weights (the Hugging Face layout, or a PEFT adapter) and optimizer moments are complete safetensors files. The
 * directory is renamed into place only after all of them were written, so one that exists under its final name is
 * complete; {@link #open} still checks, since a user may have copied or edited it.
 */
public record TrainingCheckpoint(Path dir, TrainerState state) {
    public static final String OPTIMIZER = "optimizer.safetensors";

    /** What a full checkpoint takes over from its base, beside its own weights: the model's config and tokenizer. */
    public static final List<String> MODEL_FILES = List.of("config.json", "generation_config.json", "tokenizer.json",
            "tokenizer_config.json", "special_tokens_map.json");

    public static TrainingCheckpoint open(Path dir) throws BadInputException {
        if (!Files.isDirectory(dir)) {
            throw new BadInputException(dir + ": no such checkpoint directory");
        }
        TrainerState state = TrainerState.read(dir.resolve(TrainerState.FILE));
        boolean lora = Files.exists(dir.resolve(LoraAdapter.CONFIG));
        if (!lora && !Files.exists(dir.resolve("config.json"))) {
            throw new BadInputException(dir + ": neither " + LoraAdapter.CONFIG + " nor config.json: incomplete");
        }
        Safetensors.index(dir.resolve(lora ? LoraAdapter.WEIGHTS : WeightFiles.SINGLE));
        Safetensors.index(dir.resolve(OPTIMIZER));
        return new TrainingCheckpoint(dir, state);
    }

    /** Copies those of {@link #MODEL_FILES} that {@code from} has into {@code to}. */
    public static void copyModelFiles(Path from, Path to) throws IOException {
        for (String f : MODEL_FILES) {
            if (Files.exists(from.resolve(f))) {
                Files.copy(from.resolve(f), to.resolve(f));
            }
        }
    }

    public int step() {
        return state.step();
    }
}
