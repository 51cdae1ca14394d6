package org.asynclm.training.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.asynclm.model.llama.Llama;
import org.asynclm.model.llama.TinyModel;
import org.asynclm.training.loss.MaskedCrossEntropy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackingTest {
    @TempDir
    Path dir;

    /** Examples of 20 to 120 random tokens, each with a masked prefix and a trained rest. */
    private static List<Example> examples(int n, long seed, int vocabulary) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<Example> out = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            int length = rng.nextInt(20, 121);
            int[] ids = rng.ints(length, 0, vocabulary).toArray();
            boolean[] trained = new boolean[length];
            Arrays.fill(trained, rng.nextInt(1, length - 1), length, true);
            out.add(new Example(ids, trained, k + 1));
        }
        return out;
    }

    @Test
    void rowsHoldEveryExampleOnceInOrderWithinTheLength() {
        List<Example> examples = examples(40, 1, 266);
        List<Packing.Row> rows = Packing.pack(examples, 256);
        int next = 0;
        for (Packing.Row row : rows) {
            assertTrue(row.length() <= 256);
            int at = 0;
            for (int k = 0; at < row.length(); k++) {
                Example e = examples.get(next++);
                assertArrayEquals(e.ids(), Arrays.copyOfRange(row.ids(), at, at + e.length()));
                assertArrayEquals(e.trained(), Arrays.copyOfRange(row.trained(), at, at + e.length()));
                for (int i = at; i < at + e.length(); i++) {
                    assertEquals(k, row.examples()[i]);
                }
                at += e.length();
            }
        }
        assertEquals(examples.size(), next);
        assertTrue(rows.size() < examples.size(), "rows are shared");
    }

    /** Packing must not let examples see each other: the packed loss is the unpacked loss, token for token. */
    @Test
    void thePackedLossEqualsTheLossOfTheExamplesAlone() throws Exception {
        Path model = dir.resolve("tiny");
        TinyModel.write(model, TinyModel.preset(Path.of("../configs/model/tiny.yaml")), "tiny", 0);
        List<Example> examples = examples(12, 2, 266);
        try (Llama llama = Llama.load(model, Device.cpu())) {
            MaskedCrossEntropy.Sum alone = new MaskedCrossEntropy.Sum(0, 0);
            for (Example e : examples) {
                try (Llama.Cache cache = llama.newCache()) {
                    alone = alone.plus(MaskedCrossEntropy.of(llama.forward(cache, e.ids()), e.ids(), e.trained(),
                            new int[e.length()]));
                }
            }
            MaskedCrossEntropy.Sum packed = new MaskedCrossEntropy.Sum(0, 0);
            List<Packing.Row> rows = Packing.pack(examples, 256);
            for (Packing.Row row : rows) {
                packed = packed.plus(MaskedCrossEntropy.of(llama.forwardPacked(row.ids(), row.examples()), row.ids(),
                        row.trained(), row.examples()));
            }
            assertTrue(rows.size() < examples.size());
            assertEquals(alone.tokens(), packed.tokens());
            System.out.printf("loss alone %.8f, packed %.8f over %d tokens in %d rows%n", alone.mean(), packed.mean(),
                    packed.tokens(), rows.size());
            assertEquals(alone.mean(), packed.mean(), 1e-5);
            // and a row that ignored example boundaries would differ
            Packing.Row first = rows.get(0);
            double leaky = MaskedCrossEntropy.of(llama.forwardPacked(first.ids(), new int[first.length()]), first.ids(),
                    first.trained(), first.examples()).mean();
            double sealed = MaskedCrossEntropy.of(llama.forwardPacked(first.ids(), first.examples()), first.ids(),
                    first.trained(), first.examples()).mean();
            assertTrue(Math.abs(leaky - sealed) > 1e-4, "cross-example attention must change the loss");
        }
    }
}
