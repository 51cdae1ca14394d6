package org.asynclm.training.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.asynclm.runtime.tokens.ByteTokenizer;
import org.asynclm.training.config.TrainConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * error_repeats on the datagen traces of src/test/resources/traces.jsonl, the second of them given a tool's transient
 * error in place of its first result (the third has the user's follow-up, an interrupt that is no error).
 */
class TrainingSetTest {
    private static final ByteTokenizer TOKENIZER = new ByteTokenizer();

    @TempDir
    Path dir;

    private Path tracesWithOneError() throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(
                Path.of(TrainingSetTest.class.getResource("/traces.jsonl").toURI())));
        String before = "[INTR]c[HEAD]{\\\"doc_id\\\":\\\"DOC-9856\\\"}[END]";
        String after = "[INTR]c[HEAD]{\\\"error\\\":\\\"timed out, try again\\\"}[END]";
        assertEquals(1, lines.get(1).split(Pattern.quote(before), -1).length - 1, "the fixture's result");
        lines.set(1, lines.get(1).replace(before, after));
        Path file = dir.resolve("traces.jsonl");
        Files.write(file, lines);
        return file;
    }

    @Test
    void findsTheTracesWhereAToolAnswersWithAnError() throws Exception {
        Path fixture = Path.of(TrainingSetTest.class.getResource("/traces.jsonl").toURI());
        assertEquals(Set.of(), TraceExamples.read(fixture, TOKENIZER, 100_000, TraceExamples.Overlong.DROP)
                .toolErrorLines(), "results and the user's follow-up are no errors");
        assertEquals(Set.of(2), TraceExamples.read(tracesWithOneError(), TOKENIZER, 100_000,
                TraceExamples.Overlong.DROP).toolErrorLines());
    }

    @Test
    void errorRepeatsPacksATraceWithAToolsErrorThatManyTimes() throws Exception {
        Path traces = tracesWithOneError();
        List<Example> examples = TraceExamples.read(traces, TOKENIZER, 100_000, TraceExamples.Overlong.DROP)
                .examples();
        for (int repeats : new int[] {1, 3}) {
            TrainConfig c = TrainConfig.load(null, List.of("base_model=unused", "train_data=" + traces,
                    "eval_fraction=0", "max_length=100000", "error_repeats=" + repeats));
            TrainingSet set = TrainingSet.load(c, TOKENIZER);
            List<Integer> lines = new ArrayList<>();
            set.rows().forEach(row -> {
                int owner = -1;
                for (int k = 0; k < row.ids().length; k++) {
                    if (row.examples()[k] != owner) {
                        owner = row.examples()[k];
                        lines.add(lineOf(examples, row.ids(), k));
                    }
                }
            });
            List<Integer> expected = new ArrayList<>(List.of(1, 2, 3));
            for (int k = 1; k < repeats; k++) {
                expected.add(2);
            }
            assertEquals(expected, lines, "error_repeats=" + repeats);
            assertEquals(3, set.train().examples().size(), "the traces themselves are counted once");
        }
    }

    /**
     * copy_loss: the copy rows are the request-only examples, with the loss on their copied values (values) or on all
     * the model writes (model); the rows of the later steps are the whole traces either way.
     */
    @Test
    void copyLossChoosesTheTokensTheCopyRowsTrain() throws Exception {
        Path fixture = Path.of(TrainingSetTest.class.getResource("/traces.jsonl").toURI());
        List<Example> request = TraceExamples.read(fixture, TOKENIZER, 100_000, TraceExamples.Overlong.DROP,
                TraceExamples.Prompt.REQUEST).examples();
        Packing.Row packed = Packing.pack(request, 100_000).get(0);
        for (TrainConfig.CopyLoss loss : TrainConfig.CopyLoss.values()) {
            TrainConfig c = TrainConfig.load(null, List.of("base_model=unused", "train_data=" + fixture,
                    "eval_fraction=0", "max_length=100000", "copy_steps=5", "copy_prompt=request",
                    "copy_loss=" + loss.name().toLowerCase()));
            TrainingSet set = TrainingSet.load(c, TOKENIZER);
            assertEquals(1, set.copyRows().size());
            Packing.Row row = set.copyRows().get(0);
            assertArrayEquals(packed.ids(), row.ids());
            assertArrayEquals(loss == TrainConfig.CopyLoss.VALUES ? packed.copied() : packed.trained(), row.trained(),
                    loss.name());
            assertTrue(set.rows().get(0).length() > row.length(), "the later steps' rows hold the whole prompts");
        }
        int values = 0;
        int model = 0;
        for (int k = 0; k < packed.length(); k++) {
            values += packed.copied()[k] ? 1 : 0;
            model += packed.trained()[k] ? 1 : 0;
        }
        assertTrue(values > 10 && model > 3 * values, values + " copied of " + model + " model tokens");
    }

    /** Which example starts at {@code at} of a row: the one whose ids stand there. */
    private static int lineOf(List<Example> examples, int[] row, int at) {
        for (Example e : examples) {
            if (at + e.length() <= row.length && Arrays.equals(e.ids(), 0, e.length(), row, at,
                    at + e.length())) {
                return e.line();
            }
        }
        throw new AssertionError("no example starts at " + at);
    }
}
