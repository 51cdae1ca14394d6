package org.asynclm.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import org.asynclm.runtime.BadInputException;
import org.asynclm.runtime.files.CodeVersion;
import org.asynclm.runtime.files.ContentHash;
import org.asynclm.runtime.remote.OpenAiServer;
import org.asynclm.runtime.tokens.HfTokenizer;
import org.asynclm.runtime.tokens.Tokenizer;
import picocli.CommandLine.Option;

/**
 * {@code --base-url URL --tokenizer FILE}: the model runs behind an OpenAI-compatible server instead of in process,
 * {@code --model} naming it there ({@link ServedModel}).
 */
final class ServedModelOptions {
    @Option(names = "--base-url", paramLabel = "URL", description = "Run the model behind this OpenAI-compatible "
            + "server (e.g. http://127.0.0.1:8000/v1; --model names it there, the API key from $"
            + OpenAiServer.API_KEY_VARIABLE + "); each interrupt opens a new request (Async-Naive over HTTP).")
    URI baseUrl;

    @Option(names = "--tokenizer", paramLabel = "FILE",
            description = "With --base-url: the served model's tokenizer.json, to read its stream with.")
    Path tokenizer;

    private ServedModel served;

    boolean remote() {
        return baseUrl != null;
    }

    /** Checks the pair; {@code adapter}: an --adapter given too, which a served model cannot take. */
    void check(Path adapter) throws BadInputException {
        if (baseUrl != null && tokenizer == null) {
            throw new BadInputException("--base-url needs --tokenizer FILE (the served model's tokenizer.json)");
        }
        if (baseUrl == null && tokenizer != null) {
            throw new BadInputException("--tokenizer goes with --base-url; a checkpoint brings its own");
        }
        if (baseUrl != null && adapter != null) {
            throw new BadInputException("--adapter is for a checkpoint run here; a served model has its own weights");
        }
    }

    Tokenizer loadTokenizer() throws BadInputException {
        return HfTokenizer.load(tokenizer);
    }

    /** The served model {@code name}, made once. */
    ServedModel model(String name) {
        if (served == null) {
            served = new ServedModel(baseUrl, name);
        }
        return served;
    }

    /** What was evaluated, for a report: the server, the model's name, the tokenizer with its hash. */
    ObjectNode provenance(String name) throws IOException {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("base_url", baseUrl.toString());
        n.put("model", name);
        n.put("tokenizer", tokenizer.toAbsolutePath().toString());
        n.put("tokenizer_sha256", ContentHash.ofFile(tokenizer));
        n.put("code_version", CodeVersion.current());
        return n;
    }
}
