package org.asynclm.cli;

import java.nio.file.Path;
import org.asynclm.model.llama.Llama;
import org.asynclm.runtime.BadInputException;
import org.asynclm.runtime.tokens.Tokenizer;
import picocli.CommandLine.Option;

/** {@code --model DIR [--adapter DIR]} for the commands that run a checkpoint. */
final class CheckpointOptions {
    @Option(names = "--model", required = true, paramLabel = "DIR", description = "A checkpoint directory.")
    Path model;

    @Option(names = "--adapter", paramLabel = "DIR", description = ModelCommand.ADAPTER_HELP)
    Path adapter;

    Tokenizer tokenizer() throws BadInputException {
        return ModelCommand.tokenizer(model);
    }

    Llama load() throws BadInputException {
        return ModelCommand.load(model, adapter);
    }
}
