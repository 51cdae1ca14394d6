package org.asynclm.training.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Every trained token of a look-up-and-copy row is the value its key was given before the separator. */
class RecallRowsTest {
    private static final int SEPARATOR = 900;

    @Test
    void everyTrainedTokenIsTheValueOfTheKeyAskedFor() {
        List<Packing.Row> rows = RecallRows.make(6, 1024, 800, SEPARATOR, 5);
        assertEquals(6, rows.size());
        int trained = 0;
        for (Packing.Row row : rows) {
            assertTrue(row.length() <= 1024);
            int start = 0;
            for (int i = 1; i <= row.length(); i++) {
                if (i == row.length() || row.examples()[i] != row.examples()[start]) {
                    trained += check(row, start, i);
                    start = i;
                }
            }
        }
        assertTrue(trained > 6 * 1024 / 4, "over a quarter of the rows is copying: " + trained);
    }

    /** One example [from, to): pairs, the separator, then queries; returns its trained tokens. */
    private static int check(Packing.Row row, int from, int to) {
        int sep = from;
        while (row.ids()[sep] != SEPARATOR) {
            assertTrue(!row.trained()[sep], "nothing before the separator is trained");
            sep++;
        }
        // After the separator each query is a key (untrained) and its value (trained); the key with that value
        // must stand among the pairs before the separator.
        int trained = 0;
        for (int i = sep + 1; i < to; i++) {
            trained += row.trained()[i] ? 1 : 0;
        }
        String listed = ids(row, from, sep);
        for (int i = sep + 1; i < to; ) {
            int k = row.ids()[i++];
            StringBuilder value = new StringBuilder();
            while (i < to && row.trained()[i]) {
                value.append(' ').append(row.ids()[i++]);
            }
            assertTrue(listed.contains(" " + k + value + " ") || listed.endsWith(" " + k + value),
                    "key " + k + " was listed with the value" + value);
        }
        return trained;
    }

    private static String ids(Packing.Row row, int from, int to) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < to; i++) {
            sb.append(' ').append(row.ids()[i]);
        }
        return sb.append(' ').toString();
    }

    @Test
    void theRowsFollowFromTheSeed() {
        List<Packing.Row> a = RecallRows.make(3, 512, 800, SEPARATOR, 9);
        List<Packing.Row> b = RecallRows.make(3, 512, 800, SEPARATOR, 9);
        for (int r = 0; r < 3; r++) {
            assertArrayEquals(a.get(r).ids(), b.get(r).ids());
            assertArrayEquals(a.get(r).trained(), b.get(r).trained());
        }
    }
}
