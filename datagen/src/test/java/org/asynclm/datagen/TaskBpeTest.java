package org.asynclm.datagen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.asynclm.datagen.config.ConfigLoader;
import org.asynclm.datagen.config.DatagenConfig;
import org.asynclm.datagen.trace.TraceGenerator;
import org.asynclm.runtime.prompt.ChatPrompt;
import org.asynclm.runtime.tokens.BpeTrainer;
import org.asynclm.runtime.tokens.ByteTokenizer;
import org.asynclm.runtime.tokens.HfTokenizer;
import org.asynclm.runtime.tokens.TokenizerJson;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The task-trained BPE: learned in Java from synthetic traces, written as a tokenizer.json, and read back by Hugging
 * Face's tokenizers (the Rust library, through DJL), which must give exactly the ids the trainer's own encoder gives:
 * on traces it never saw and on random text with markers, digits, unicode and odd spacing.
 */
class TaskBpeTest {
    @TempDir
    static Path dir;
    private static BpeTrainer.Merges merges;
    private static BpeTrainer.Encoder encoder;
    private static HfTokenizer hf;

    @BeforeAll
    static void train() throws Exception {
        merges = BpeTrainer.train(texts(traces(300, 11)), 768, BpeTrainer.Digits.SINGLE);
        encoder = new BpeTrainer.Encoder(merges);
        Path file = dir.resolve("tokenizer.json");
        TokenizerJson.write(file, BpeTrainer.tokenizerJson(merges));
        hf = HfTokenizer.load(file);
    }

    @Test
    void huggingFaceGivesTheTrainersIdsOnUnseenTraces() throws Exception {
        long bytes = 0;
        long tokens = 0;
        for (String text : texts(traces(100, 12))) {
            int[] ids = encoder.encode(text);
            assertArrayEquals(ids, hf.encode(text), text);
            bytes += text.getBytes(StandardCharsets.UTF_8).length;
            tokens += ids.length;
        }
        // 2.7x on these traces, whose functions are listed as signatures (with JSON schemas, far more repetitive, the
        // bar was 3x; the quickstart's tokenizer read its JSON-listed traces at 3.43 bytes a token, its signature-listed
        // ones at 2.93)
        assertTrue(bytes > 2.5 * tokens, "a task-trained BPE makes traces at least 2.5x shorter than bytes: "
                + bytes + " bytes, " + tokens + " tokens");
    }

    @Test
    void huggingFaceGivesTheTrainersIdsOnRandomText() {
        for (String text : randomTexts()) {
            assertArrayEquals(encoder.encode(text), hf.encode(text), text);
        }
    }

    /** --digits pairs: Hugging Face's Split on the same regex cuts as the trainer does, on traces and random text. */
    @Test
    void digitPairsCutAlikeInHuggingFace() throws Exception {
        BpeTrainer.Merges pairs = BpeTrainer.train(texts(traces(300, 11)), 768, BpeTrainer.Digits.PAIRS);
        BpeTrainer.Encoder own = new BpeTrainer.Encoder(pairs);
        Path file = dir.resolve("pairs.json");
        TokenizerJson.write(file, BpeTrainer.tokenizerJson(pairs));
        try (HfTokenizer loaded = HfTokenizer.load(file)) {
            List<String> texts = new ArrayList<>(texts(traces(100, 12)));
            texts.addAll(randomTexts());
            for (String text : texts) {
                assertArrayEquals(own.encode(text), loaded.encode(text), text);
            }
            // cut into pairs from the left: no token crosses 77|36|7 (whether a pair is one token is up to the merges)
            List<Integer> cuts = new ArrayList<>();
            int at = 0;
            for (String piece : pieces(loaded, "77367")) {
                at += piece.length();
                cuts.add(at);
            }
            assertTrue(cuts.containsAll(List.of(2, 4, 5)), "pairs from the left: " + pieces(loaded, "77367"));
            assertTrue(pieces(loaded, "1234567890").stream().allMatch(p -> p.length() <= 2), "no token of 3 digits");
            for (String[] valueIn : new String[][] {{"36518", "ZIP code 36518 and"}, {"36518", "zip_code='36518')"},
                    {"U6691", "{\"user_id\":\"U6691\"}"}, {"U6691", "(user_id='U6691')"}}) {
                assertTrue(java.util.Collections.indexOfSubList(pieces(loaded, valueIn[1]),
                        pieces(loaded, valueIn[0])) >= 0, "a value is the same pairs wherever it stands: " + valueIn[1]);
            }
        }
    }

    private static List<String> pieces(HfTokenizer tok, String text) {
        return java.util.Arrays.stream(tok.encode(text)).mapToObj(tok::piece).toList();
    }

    private static List<String> randomTexts() {
        List<String> out = new ArrayList<>();
        SplittableRandom rng = new SplittableRandom(3);
        String[] parts = {"[CALL]", "[INTR]", "[TRAP]", "[END]", "[HEAD]", "<|eot_id|>", "find_user", "(zip_code='",
                "77367", " ", "  ", "\n\n", "\t", "é", "日本", "🙂", "'s", " don't", "{\"city\":\"Perth\"}", "0.5e-3",
                "Ǆ", "١٢٣", "DOC-9518", "[CA", ", ", "estimated_time_ms"};
        for (int i = 0; i < 3000; i++) {
            StringBuilder sb = new StringBuilder();
            for (int k = rng.nextInt(1, 14); k > 0; k--) {
                sb.append(parts[rng.nextInt(parts.length)]);
            }
            out.add(sb.toString());
        }
        return out;
    }

    @Test
    void layoutKeepsTheSpecialTokensAfterTheMergesAndDigitsAlone() {
        assertEquals(768, merges.vocabularySize());
        assertEquals(768, hf.vocabularySize());
        assertEquals(768 - ByteTokenizer.SPECIALS.size() + ByteTokenizer.SPECIALS.indexOf("<|eot_id|>"),
                hf.endOfTurnId());
        assertEquals(1, hf.count("[CALL]"));
        assertEquals(5, hf.count("77367"), "every digit is a token of its own, wherever the number stands");
        assertEquals(hf.encode("Perth")[0], hf.encode(" Perth")[1], "a word is one token after a space or a quote");
        assertEquals(hf.encode("Perth")[0], hf.encode("'Perth'")[1]);
        assertTrue(hf.count("find_user") <= 3, "the task's function names are whole words");
    }

    @Test
    void trainingIsDeterministic() {
        BpeTrainer.Merges again = BpeTrainer.train(texts(traces(300, 11)), 768, BpeTrainer.Digits.SINGLE);
        assertEquals(merges.pairs().size(), again.pairs().size());
        for (int i = 0; i < merges.pairs().size(); i++) {
            assertArrayEquals(merges.pairs().get(i), again.pairs().get(i));
        }
    }

    private static List<JsonNode> traces(int n, long seed) {
        try {
            DatagenConfig c = ConfigLoader.load(Path.of("../configs/datagen/synthetic.yaml"),
                    List.of("n=" + n, "seed=" + seed));
            Path file = Files.createTempFile(dir, "traces", ".jsonl");
            Datagen.write(new TraceGenerator(c, new ByteTokenizer(), "byte", Sources.create(c)), n, DatagenConfig.Format.NATIVE, file, 1,
                    i -> { });
            List<JsonNode> out = new ArrayList<>();
            for (String line : Files.readAllLines(file)) {
                out.add(new ObjectMapper().readTree(line));
            }
            return out;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** What training encodes: the rendered prompt and every segment of each trace. */
    private static List<String> texts(List<JsonNode> traces) {
        List<String> out = new ArrayList<>();
        for (JsonNode t : traces) {
            out.add(ChatPrompt.render(t.at("/messages/0/content").asText(), t.at("/messages/1/content").asText()));
            t.get("assistant").forEach(s -> out.add(s.get("text").asText()));
        }
        return out;
    }
}
