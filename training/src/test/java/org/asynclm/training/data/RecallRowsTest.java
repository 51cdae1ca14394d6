package org.asynclm.training.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every example of a copy row is a span, the separator and the span again, with the loss on the repeat only. */
class RecallRowsTest {
    private static final int SEPARATOR = 900;

    @Test
    void everyTrainedTokenRepeatsTheSpanBeforeTheSeparator() {
        List<Packing.Row> rows = RecallRows.make(6, 1024, 800, SEPARATOR, 5);
        assertEquals(6, rows.size());
        Set<Integer> lengths = new HashSet<>();
        int trained = 0;
        for (Packing.Row row : rows) {
            assertTrue(row.length() <= 1024);
            int start = 0;
            for (int i = 1; i <= row.length(); i++) {
                if (i == row.length() || row.examples()[i] != row.examples()[start]) {
                    int[] ids = Arrays.copyOfRange(row.ids(), start, i);
                    boolean[] mask = Arrays.copyOfRange(row.trained(), start, i);
                    int span = (ids.length - 1) / 2;
                    assertEquals(2 * span + 1, ids.length);
                    assertEquals(SEPARATOR, ids[span]);
                    for (int k = 0; k < span; k++) {
                        assertTrue(ids[k] >= 0 && ids[k] < 800, "an ordinary token");
                        assertFalse(mask[k], "the span itself is context");
                        assertEquals(ids[k], ids[span + 1 + k], "the repeat copies the span");
                        assertTrue(mask[span + 1 + k], "the repeat is trained");
                    }
                    assertFalse(mask[span]);
                    lengths.add(span);
                    trained += span;
                    start = i;
                }
            }
        }
        assertTrue(lengths.size() > 10, "spans of many lengths, so no fixed offset finds the copy: " + lengths);
        assertTrue(lengths.stream().allMatch(n -> n >= 16 && n <= 64), lengths.toString());
        assertTrue(trained > 6 * 1024 * 2 / 5, "most of a row is copying: " + trained);
    }

    @Test
    void theRowsFollowFromTheSeed() {
        List<Packing.Row> a = RecallRows.make(3, 512, 800, SEPARATOR, 9);
        List<Packing.Row> b = RecallRows.make(3, 512, 800, SEPARATOR, 9);
        List<Packing.Row> c = RecallRows.make(3, 512, 800, SEPARATOR, 10);
        for (int r = 0; r < 3; r++) {
            assertArrayEquals(a.get(r).ids(), b.get(r).ids());
            assertArrayEquals(a.get(r).trained(), b.get(r).trained());
        }
        assertFalse(Arrays.equals(a.get(0).ids(), c.get(0).ids()));
    }
}
