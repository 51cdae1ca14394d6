package org.asynclm.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import org.asynclm.model.llama.Llama;
import org.asynclm.runtime.BadInputException;
import org.asynclm.runtime.files.CodeVersion;
import org.asynclm.runtime.files.ContentHash;
import org.asynclm.runtime.tokens.Tokenizer;
import picocli.CommandLine.Option;

/** {@code --model DIR [--adapter DIR]} for the commands that run a checkpoint. */
final class CheckpointOptions {
    @Option(names = "--model", required = true, paramLabel = "DIR", description = "A checkpoint directory.")
    Path model;

    @Option(names = "--adapter", paramLabel = "DIR", description = ModelCommand.ADAPTER_HELP)
    Path adapter;

    /** The same for a command that names its model with options of its own. */
    static CheckpointOptions of(Path model, Path adapter) {
        CheckpointOptions c = new CheckpointOptions();
        c.model = model;
        c.adapter = adapter;
        return c;
    }

    Tokenizer tokenizer() throws BadInputException {
        return ModelCommand.tokenizer(model);
    }

    /** The model with its tokenizer, which a command that runs it needs. */
    Llama load() throws BadInputException {
        return ModelCommand.load(model, adapter);
    }

    /** What was evaluated, for a report: the directories with their content hashes, and the code version. */
    ObjectNode provenance() throws IOException {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("model", model.toAbsolutePath().toString());
        n.put("model_sha256", ContentHash.ofModel(model));
        n.put("adapter", adapter == null ? null : adapter.toAbsolutePath().toString());
        n.put("adapter_sha256", adapter == null ? null : ContentHash.ofModel(adapter));
        n.put("code_version", CodeVersion.current());
        return n;
    }
}
