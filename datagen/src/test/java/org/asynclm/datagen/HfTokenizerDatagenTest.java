package org.asynclm.datagen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.asynclm.datagen.config.ConfigLoader;
import org.asynclm.datagen.config.DatagenConfig;
import org.asynclm.datagen.trace.TraceGenerator;
import org.asynclm.runtime.BadInputException;
import org.asynclm.runtime.tokens.ByteTokenizer;
import org.asynclm.runtime.tokens.HfTokenizer;
import org.asynclm.runtime.tokens.TokenizerJson;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hugging Face's own tokenizer (Rust, through DJL) is the independent reference for the byte-level one. */
class HfTokenizerDatagenTest {
    @TempDir
    static Path dir;
    private static HfTokenizer hf;

    @BeforeAll
    static void load() throws Exception {
        Path file = dir.resolve("tokenizer.json");
        TokenizerJson.write(file, TokenizerJson.byteLevel());
        hf = HfTokenizer.load(file);
    }

    @Test
    void huggingFaceGivesTheByteTokenizersIds() {
        ByteTokenizer bytes = new ByteTokenizer();
        SplittableRandom rng = new SplittableRandom(1);
        String[] parts = {"[CALL]", "[INTR]", "[TRAP]", "[END]", "[HEAD]", "<|eot_id|>", "<|start_header_id|>",
                "f(x='a b')", " ", "  ", "\n", "é", "日本", "🙂", "[CA", "LL]", "<|", "tab\t", "'\"", "0.5e-3", "Ǆ"};
        for (int i = 0; i < 2000; i++) {
            StringBuilder sb = new StringBuilder();
            for (int k = rng.nextInt(1, 12); k > 0; k--) {
                sb.append(parts[rng.nextInt(parts.length)]);
            }
            String text = sb.toString();
            assertArrayEquals(bytes.encode(text), hf.encode(text), text);
        }
        assertEquals(bytes.endOfTurnId(), hf.endOfTurnId());
        assertEquals(bytes.vocabularySize(), hf.vocabularySize());
        for (int id = 0; id < 128; id++) {
            assertEquals(bytes.piece(id), hf.piece(id), "piece " + id);
        }
        assertEquals("[CALL]", hf.piece(bytes.encode("[CALL]")[0]));
    }

    @Test
    void mergesMakeFewerTokens() throws Exception {
        ObjectNode json = TokenizerJson.byteLevel();
        // As in real vocabularies, the merged token sits after the bytes and before the added tokens.
        ((ObjectNode) json.at("/model/vocab")).put("de", 256);
        json.get("added_tokens").forEach(t -> ((ObjectNode) t).put("id", t.get("id").asInt() + 1));
        ((ArrayNode) json.at("/model/merges")).add("d e");
        Path file = dir.resolve("merged.json");
        TokenizerJson.write(file, json);
        try (HfTokenizer merged = HfTokenizer.load(file)) {
            assertEquals(2, merged.count("def"));
            assertEquals("de", merged.piece(256));
            assertEquals(ByteTokenizer.EOT_ID + 1, merged.endOfTurnId());
            assertEquals(3, new ByteTokenizer().count("def"));
        }
    }

    @Test
    void datagenWithTheTokenizerFileMatchesTheByteLevelRun() throws Exception {
        Path file = dir.resolve("tokenizer.json");
        DatagenConfig viaFile = ConfigLoader.load(null, List.of("n=40", "tokenizer=\"" + file + "\""));
        DatagenConfig viaBytes = ConfigLoader.load(null, List.of("n=40"));
        Path a = dir.resolve("a.jsonl");
        Path b = dir.resolve("b.jsonl");
        Datagen.write(new TraceGenerator(viaFile, hf, viaFile.tokenizer().name(), Sources.create(viaFile)), 40,
                DatagenConfig.Format.NATIVE, a, 1,
                i -> { });
        Datagen.write(new TraceGenerator(viaBytes, new ByteTokenizer(), "byte", Sources.create(viaBytes)), 40, DatagenConfig.Format.NATIVE,
                b, 1, i -> { });
        List<String> la = Files.readAllLines(a);
        List<String> lb = Files.readAllLines(b);
        for (int i = 0; i < la.size(); i++) {
            assertEquals(lb.get(i), la.get(i).replace("\"tokenizer\":\"" + file + "\"", "\"tokenizer\":\"byte\""));
        }
    }

    /** Llama 3 style: no CML tokens, reserved special tokens instead; markers take the first five of them. */
    @Test
    void markersMapOntoReservedSpecialTokens() throws Exception {
        ObjectNode json = TokenizerJson.byteLevel();
        int n = 0;
        for (var t : json.get("added_tokens")) {
            String c = t.get("content").asText();
            if (c.startsWith("[")) {
                ((ObjectNode) t).put("content", "<|reserved_special_token_" + (n++) + "|>");
            }
        }
        Path file = dir.resolve("llama3-style.json");
        TokenizerJson.write(file, json);
        try (HfTokenizer mapped = HfTokenizer.load(file)) {
            assertEquals(Map.of("[CALL]", 261, "[INTR]", 262, "[TRAP]", 263, "[END]", 264, "[HEAD]", 265),
                    mapped.markerMapping());
            String text = "x[CALL]a[HEAD]f(v='[CA')[END][TRAP][END]ok";
            assertArrayEquals(new ByteTokenizer().encode(text), mapped.encode(text));
            assertEquals("[HEAD]", mapped.piece(265));
            var decoder = mapped.newDecoder();
            StringBuilder back = new StringBuilder();
            for (int id : mapped.encode("é[CALL]ü")) {
                back.append(decoder.next(id));
            }
            assertEquals("é[CALL]ü", back.toString());
            // what the exports write: the markers spelled as the reserved tokens, which Hugging Face's tokenizer
            // (here DJL's binding of it, with no mapping of ours in between) reads as the mapped ids
            String spelled = mapped.vocabularyText(text);
            assertEquals("x<|reserved_special_token_0|>a<|reserved_special_token_4|>f(v='[CA')"
                    + "<|reserved_special_token_3|><|reserved_special_token_2|><|reserved_special_token_3|>ok", spelled);
            assertArrayEquals(mapped.encode(text), mapped.encode(spelled));
        }
        assertEquals("a[CALL]b", hf.vocabularyText("a[CALL]b"), "own CML tokens: the text as it is");
        assertTrue(hf.markerMapping().isEmpty(), "a tokenizer with its own CML tokens needs no mapping");
    }

    @Test
    void aMissingOrBrokenFileIsOneLine() throws Exception {
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"model\": {\"vocab\": {\"a\": 0}}, \"added_tokens\": []}");
        String m = assertThrows(BadInputException.class, () -> HfTokenizer.load(bad)).getMessage();
        assertTrue(m.startsWith(bad + ": added_tokens: no end-of-turn token"), m);
        assertTrue(assertThrows(BadInputException.class, () -> HfTokenizer.load(dir.resolve("none.json")))
                .getMessage().endsWith("no such tokenizer.json"));
    }
}
