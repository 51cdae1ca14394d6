package org.asynclm.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.asynclm.model.llama.TinyModel;
import org.asynclm.runtime.BadInputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "init-model", mixinStandardHelpOptions = true,
        description = {"Writes a random-initialised Llama checkpoint in the Hugging Face layout (config.json, "
                + "generation_config.json, model.safetensors, tokenizer.json with the chat and CML special tokens), "
                + "which transformers and vLLM load as they are.",
                "Presets are configs/model/<name>.yaml: tiny (the embedded default), tiny-gqa (grouped-query "
                        + "attention, llama3 RoPE scaling, untied lm head) and tiny-16k (tiny with a 16,384-token "
                        + "context, for BFCL's multi-turn prompts); --preset also takes a path."},
        footer = {"", "Example:", "  bin/asynclm init-model --preset tiny --out runs/tiny-model --seed 0"})
final class InitModelCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--preset", defaultValue = "tiny", paramLabel = "NAME|FILE", description = "Preset (default: ${DEFAULT-VALUE}).")
    String preset;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Checkpoint directory to write.")
    Path out;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the weights (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--tokenizer", paramLabel = "FILE",
            description = "A tokenizer.json with the chat and CML special tokens, for example from 'tokenizer train' "
                    + "(default: the byte-level one).")
    Path tokenizer;

    @Option(names = "--force", description = "Overwrite a checkpoint already in --out.")
    boolean force;

    @Override
    public Integer call() throws BadInputException, IOException {
        Path file = presetFile(preset);
        if (!force && Files.exists(out.resolve("model.safetensors"))) {
            throw new BadInputException(out + ": already holds a checkpoint (--force to overwrite)");
        }
        TinyModel.Preset p = tokenizer == null ? TinyModel.preset(file)
                : TinyModel.preset(file, readTokenizer(tokenizer), tokenizer.toString());
        TinyModel.write(out, p, preset, seed);
        var c = p.config();
        long params = TinyModel.weights(c, p.initializerRange(), seed).values().stream()
                .mapToLong(t -> t.values().length).sum();
        spec.commandLine().getOut().printf("wrote %s: Llama, %d layers, hidden %d, %d heads (%d kv), vocab %d, "
                + "%,d parameters%n", out, c.layers(), c.hiddenSize(), c.heads(), c.kvHeads(), c.vocabSize(), params);
        return 0;
    }

    private static ObjectNode readTokenizer(Path file) throws BadInputException {
        try {
            return (ObjectNode) new ObjectMapper().readTree(file.toFile());
        } catch (IOException | ClassCastException e) {
            throw new BadInputException(file + ": not a tokenizer.json: "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        }
    }

    static Path presetFile(String preset) throws BadInputException {
        Path direct = Path.of(preset);
        if (preset.endsWith(".yaml") || preset.endsWith(".yml")) {
            if (!Files.exists(direct)) {
                throw new BadInputException(direct + ": no such preset file");
            }
            return direct;
        }
        Optional<Path> shipped = Shipped.find("configs/model/" + preset + ".yaml");
        if (shipped.isPresent()) {
            return shipped.get();
        }
        throw new BadInputException("--preset: no preset '" + preset + "' in configs/model/");
    }
}
