package org.asynclm.runtime.tokens;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.nio.file.Path;
import org.asynclm.runtime.BadInputException;

/**
 * Which tokenizer counts a job's tokens: the byte-level one built in ({@code file} null; configs write it
 * {@value #BYTE}) or a Hugging Face {@code tokenizer.json}. Configs and traces name it by {@link #name}.
 */
public record TokenizerChoice(Path file) {
    /** The config's word for the built-in byte-level tokenizer. */
    public static final String BYTE = "byte";
    public static final TokenizerChoice BYTE_LEVEL = new TokenizerChoice(null);

    @JsonCreator
    public static TokenizerChoice of(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("must be '" + BYTE + "' or the path of a tokenizer.json");
        }
        return name.equals(BYTE) ? BYTE_LEVEL : new TokenizerChoice(Path.of(name));
    }

    public boolean byteLevel() {
        return file == null;
    }

    /** {@value #BYTE}, or the file's path. */
    @JsonValue
    public String name() {
        return byteLevel() ? BYTE : file.toString();
    }

    public Tokenizer load() throws BadInputException {
        return byteLevel() ? new ByteTokenizer() : HfTokenizer.load(file);
    }
}
