package org.asynclm.runtime.tokens;

import org.asynclm.runtime.files.AtomicFiles;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the byte-level tokenizer as a Hugging Face {@code tokenizer.json}: a byte-level BPE whose vocabulary is
 * the 256 bytes (in GPT-2's byte-to-unicode spelling) at ids 0-255 and the {@link ByteTokenizer#SPECIALS} as
 * added special tokens from 256, with no merges. Hugging Face tokenizers then give exactly {@link ByteTokenizer}'s
 * ids. This is the tokenizer of the tiny model.
 */
public final class TokenizerJson {
    private TokenizerJson() {
    }

    /** GPT-2's printable spelling of each byte, as byte-level BPE vocabularies use it. */
    public static String[] byteSpellings() {
        List<Integer> bs = new ArrayList<>();
        for (int b = '!'; b <= '~'; b++) {
            bs.add(b);
        }
        for (int b = 0xA1; b <= 0xAC; b++) {
            bs.add(b);
        }
        for (int b = 0xAE; b <= 0xFF; b++) {
            bs.add(b);
        }
        String[] out = new String[256];
        for (int b : bs) {
            out[b] = String.valueOf((char) b);
        }
        int n = 0;
        for (int b = 0; b < 256; b++) {
            if (out[b] == null) {
                out[b] = String.valueOf((char) (256 + n++));
            }
        }
        return out;
    }

    public static ObjectNode byteLevel() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode root = f.objectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (int k = 0; k < ByteTokenizer.SPECIALS.size(); k++) {
            added.addObject().put("id", ByteTokenizer.FIRST_SPECIAL + k).put("content", ByteTokenizer.SPECIALS.get(k))
                    .put("single_word", false).put("lstrip", false).put("rstrip", false).put("normalized", false)
                    .put("special", true);
        }
        root.putNull("normalizer");
        root.putObject("pre_tokenizer").put("type", "ByteLevel").put("add_prefix_space", false)
                .put("trim_offsets", true).put("use_regex", true);
        root.putNull("post_processor");
        root.putObject("decoder").put("type", "ByteLevel").put("add_prefix_space", true).put("trim_offsets", true)
                .put("use_regex", true);
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        model.put("ignore_merges", false);
        ObjectNode vocab = model.putObject("vocab");
        String[] spell = byteSpellings();
        for (int b = 0; b < 256; b++) {
            vocab.put(spell[b], b);
        }
        model.putArray("merges");
        return root;
    }

    /** The vocabulary a model needs for {@code tokenizer}: its largest id, in the model's vocab or added tokens, + 1. */
    public static int vocabularySize(JsonNode tokenizer) {
        int size = 0;
        for (JsonNode id : (Iterable<JsonNode>) () -> tokenizer.at("/model/vocab").elements()) {
            size = Math.max(size, id.asInt() + 1);
        }
        for (JsonNode t : tokenizer.path("added_tokens")) {
            size = Math.max(size, t.path("id").asInt() + 1);
        }
        return size;
    }

    /** Writes {@code tokenizer.json} atomically. */
    public static void write(Path file, ObjectNode tokenizer) throws IOException {
        AtomicFiles.write(file,
                tmp -> new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(tmp.toFile(), tokenizer));
    }
}
