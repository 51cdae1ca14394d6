package org.asynclm.runtime.tokens;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.asynclm.runtime.BadInputException;

/**
 * A Hugging Face {@code tokenizer.json} through DJL's binding of the Rust tokenizers (no PyTorch): special tokens
 * are not added, truncation is off (DJL truncates to 512 by default). Each token's text comes from decoding it
 * alone, which is exact for byte-level BPE vocabularies.
 */
public final class HfTokenizer implements Tokenizer, AutoCloseable {
    /** End-of-turn tokens in the order they are looked for. */
    private static final List<String> END_OF_TURN = List.of("<|eot_id|>", "<|im_end|>", "<|end_of_text|>",
            "<|endoftext|>", "</s>");

    private final HuggingFaceTokenizer tokenizer;
    private final String[] pieces;
    private final int endOfTurn;

    private HfTokenizer(HuggingFaceTokenizer tokenizer, int vocabularySize, int endOfTurn) {
        this.tokenizer = tokenizer;
        this.pieces = new String[vocabularySize];
        this.endOfTurn = endOfTurn;
    }

    public static HfTokenizer load(Path file) throws BadInputException {
        if (!Files.isRegularFile(file)) {
            throw new BadInputException(file + ": no such tokenizer.json");
        }
        JsonNode json;
        try {
            json = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new BadInputException(file + ": not a tokenizer.json: " + e.getMessage().lines().findFirst().orElse(""));
        }
        int size = 0;
        for (JsonNode id : (Iterable<JsonNode>) () -> json.at("/model/vocab").elements()) {
            size = Math.max(size, id.asInt() + 1);
        }
        int eot = -1;
        for (String name : END_OF_TURN) {
            for (JsonNode t : json.path("added_tokens")) {
                size = Math.max(size, t.path("id").asInt() + 1);
                if (eot < 0 && t.path("content").asText().equals(name)) {
                    eot = t.path("id").asInt();
                }
            }
        }
        if (eot < 0) {
            throw new BadInputException(file + ": added_tokens: no end-of-turn token (one of " + END_OF_TURN + ")");
        }
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true"); // nothing is ever downloaded
        }
        try {
            HuggingFaceTokenizer t = HuggingFaceTokenizer.builder().optTokenizerPath(file).optAddSpecialTokens(false)
                    .optTruncation(false).build();
            return new HfTokenizer(t, size, eot);
        } catch (IOException | RuntimeException e) {
            throw new BadInputException(file + ": cannot load: " + e.getMessage());
        }
    }

    @Override
    public int[] encode(String text) {
        long[] ids = tokenizer.encode(text).getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = (int) ids[i];
        }
        return out;
    }

    @Override
    public synchronized String piece(int id) {
        String p = pieces[id];
        if (p == null) {
            p = tokenizer.decode(new long[] {id}, false);
            pieces[id] = p;
        }
        return p;
    }

    @Override
    public int vocabularySize() {
        return pieces.length;
    }

    @Override
    public int endOfTurnId() {
        return endOfTurn;
    }

    /**
     * Holds back tokens that end inside a multi-byte character (their text ends in U+FFFD) until the character is
     * complete; after four tokens it gives up and lets the replacement character through.
     */
    @Override
    public TextDecoder newDecoder() {
        return new TextDecoder() {
            private final java.util.List<Long> held = new java.util.ArrayList<>();

            @Override
            public String next(int id) {
                if (held.isEmpty() && id < pieces.length && !piece(id).endsWith("\uFFFD")) {
                    return piece(id);
                }
                held.add((long) id);
                String text = tokenizer.decode(held.stream().mapToLong(Long::longValue).toArray(), false);
                if (text.endsWith("\uFFFD") && held.size() < 4) {
                    return "";
                }
                held.clear();
                return text;
            }
        };
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
