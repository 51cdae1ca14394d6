package org.asynclm.training.data;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.asynclm.runtime.files.AtomicFiles;

/**
 * Examples as Hugging Face's trainers take them: one JSON object per line with {@code input_ids},
 * {@code attention_mask} and {@code labels}, where {@code labels} holds the id where the loss is taken and -100
 * where it is masked (unshifted: the model shifts them, as transformers does). {@code datasets.load_dataset("json")}
 * loads the file; TRL's SFTTrainer and Axolotl's pre-tokenised datasets train on it as it is, so no other trainer
 * has to reproduce asynclm's tokenisation.
 */
public final class ExampleFile {
    /** The label of a token the loss skips: PyTorch's cross-entropy ignore_index. */
    public static final int IGNORED = -100;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ExampleFile() {
    }

    /** Writes {@code examples} to {@code out} through a temporary file renamed into place when complete. */
    public static void write(Path out, List<Example> examples) throws IOException {
        AtomicFiles.write(out, tmp -> {
            try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8);
                 JsonGenerator g = MAPPER.getFactory().createGenerator(w)) {
                g.setRootValueSeparator(null);
                for (Example e : examples) {
                    line(g, e);
                    g.flush();
                    w.write('\n');
                }
            }
        });
    }

    private static void line(JsonGenerator g, Example e) throws IOException {
        g.writeStartObject();
        g.writeArrayFieldStart("input_ids");
        for (int id : e.ids()) {
            g.writeNumber(id);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("attention_mask");
        for (int i = 0; i < e.length(); i++) {
            g.writeNumber(1);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("labels");
        for (int i = 0; i < e.length(); i++) {
            g.writeNumber(e.trained()[i] ? e.ids()[i] : IGNORED);
        }
        g.writeEndArray();
        g.writeEndObject();
    }
}
