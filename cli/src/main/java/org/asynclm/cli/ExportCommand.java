package org.asynclm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.Callable;
import org.asynclm.model.lora.LoraAdapter;
import org.asynclm.model.lora.MergedWeights;
import org.asynclm.model.safetensors.Checkpoint;
import org.asynclm.runtime.BadInputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Exports a training checkpoint without its optimizer state: --format peft writes a LoRA "
                + "checkpoint's adapter (adapter_config.json, adapter_model.safetensors) as PEFT's "
                + "PeftModel.from_pretrained loads it onto the base; --format merged writes a Hugging Face "
                + "checkpoint (config.json, model.safetensors, tokenizer.json) that transformers loads, with a "
                + "LoRA adapter folded into the base weights."},
        footer = {"", "Examples:",
                "  bin/asynclm export --checkpoint runs/train-tiny-lora-cpu/checkpoint-300 --format peft --out runs/adapter",
                "  bin/asynclm export --checkpoint runs/train-tiny-lora-cpu/checkpoint-300 --format merged --out runs/merged"})
final class ExportCommand implements Callable<Integer> {
    private static final List<String> BASE_FILES = List.of("config.json", "generation_config.json", "tokenizer.json",
            "tokenizer_config.json", "special_tokens_map.json");

    @Spec
    CommandSpec spec;

    @Option(names = "--checkpoint", required = true, paramLabel = "DIR", description = "OUT/checkpoint-STEP of a train run.")
    Path checkpoint;

    @Option(names = "--format", required = true, paramLabel = "peft|merged", description = "What to write.")
    String format;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory to write (replaced when complete).")
    Path out;

    @Option(names = "--model", paramLabel = "DIR",
            description = "The base of a LoRA checkpoint (default: the base_model its trainer_state.json names).")
    Path model;

    @Override
    public Integer call() throws BadInputException, IOException {
        if (!format.equals("peft") && !format.equals("merged")) {
            throw new BadInputException("--format: expected peft or merged, got '" + format + "'");
        }
        boolean lora = Files.exists(checkpoint.resolve(LoraAdapter.CONFIG));
        if (!lora && !Files.exists(checkpoint.resolve("config.json"))) {
            throw new BadInputException(checkpoint + ": neither " + LoraAdapter.CONFIG + " nor config.json: not a "
                    + "checkpoint of a train run");
        }
        if (format.equals("peft") && !lora) {
            throw new BadInputException(checkpoint + ": a full fine-tuning checkpoint has no adapter; use --format merged");
        }
        Path parent = out.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempDirectory(parent, ".export");
        try {
            if (format.equals("peft")) {
                copy(checkpoint, tmp, List.of(LoraAdapter.CONFIG, LoraAdapter.WEIGHTS));
            } else if (lora) {
                Path base = base();
                copy(base, tmp, BASE_FILES);
                MergedWeights.write(base, LoraAdapter.load(checkpoint), tmp.resolve(Checkpoint.SINGLE));
            } else {
                copy(checkpoint, tmp, BASE_FILES);
                copy(checkpoint, tmp, List.of(Checkpoint.SINGLE));
            }
            TrainCommand.deleteTree(out);
            Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            TrainCommand.deleteTree(tmp);
        }
        spec.commandLine().getOut().println("wrote " + out + " (" + format + ")");
        return 0;
    }

    private Path base() throws BadInputException {
        if (model != null) {
            return model;
        }
        Path state = checkpoint.resolve("trainer_state.json");
        try {
            JsonNode n = Json.MAPPER.readTree(state.toFile());
            if (n.path("base_model").isTextual()) {
                return Path.of(n.get("base_model").asText());
            }
        } catch (IOException e) {
            // fall through to the message below
        }
        throw new BadInputException(state + ": no base_model; name the base with --model DIR");
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
