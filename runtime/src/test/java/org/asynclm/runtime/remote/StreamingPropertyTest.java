package org.asynclm.runtime.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.asynclm.runtime.tokens.ByteTokenizer;

/**
 * Every split of a recorded stream reads the same: the same events from the SSE reader (with the line ends as
 * recorded, or as "\r\n"), and from the text of those events the same ids, each marker one id, however the text is
 * cut into pieces.
 */
class StreamingPropertyTest {
    private static final String STREAM = read("vllm-call-trap.sse") + read("vllm-answer.sse");

    @Property(tries = 300)
    void everySplitOfAStreamGivesTheSameEvents(@ForAll @Size(max = 40) List<@IntRange(min = 0, max = 100_000) Integer> cuts,
                                              @ForAll boolean crlf) {
        String stream = crlf ? STREAM.replace("\n", "\r\n") : STREAM;
        List<String> whole = new SseReader().feed(stream);
        assertEquals(26, whole.size(), "13 and 7 chunks of text, each stream with a finish chunk, a usage chunk and [DONE]");
        SseReader reader = new SseReader();
        List<String> pieces = new ArrayList<>();
        for (String chunk : split(stream, cuts)) {
            pieces.addAll(reader.feed(chunk));
        }
        assertEquals(whole, pieces);
    }

    @Property(tries = 300)
    void everySplitOfTheTextGivesTheSameIds(@ForAll @Size(max = 30) List<@IntRange(min = 0, max = 100_000) Integer> cuts) {
        ByteTokenizer tokenizer = new ByteTokenizer();
        String text = "I'll look that up.\n[CALL]a[HEAD]find_user(username='kmensah')[END][TRAP][END]  two  spaces"
                + "[INTR]a[HEAD]{\"user_id\": \"U2795\"}[END]The user id is U2795, café 🙂.";
        StreamTokens stream = new StreamTokens(tokenizer);
        List<Integer> ids = new ArrayList<>();
        for (String piece : split(text, cuts)) {
            ids.addAll(stream.feed(piece));
        }
        ids.addAll(stream.finish());
        assertArrayEquals(tokenizer.encode(text), ids.stream().mapToInt(Integer::intValue).toArray());
    }

    /** A marker is released as soon as it is whole, so that a trap reaches the runtime while the server writes. */
    @Property(tries = 1)
    void aWholeMarkerIsReleasedAtOnce() {
        ByteTokenizer tokenizer = new ByteTokenizer();
        StreamTokens stream = new StreamTokens(tokenizer);
        assertEquals(List.of(), stream.feed("x[TR"));
        List<Integer> ids = new ArrayList<>(stream.feed("AP][END]"));
        assertArrayEquals(tokenizer.encode("x[TRAP][END]"), ids.stream().mapToInt(Integer::intValue).toArray());
    }

    /** {@code s} cut at the given offsets (taken modulo its length, in order, repeats merged). */
    static List<String> split(String s, List<Integer> cuts) {
        TreeSet<Integer> at = new TreeSet<>();
        for (int c : cuts) {
            at.add(c % (s.length() + 1));
        }
        List<String> out = new ArrayList<>();
        int from = 0;
        for (int c : at) {
            boolean insideACharacter = c < s.length() && Character.isLowSurrogate(s.charAt(c));
            if (c > from && !insideACharacter) { // a server sends whole characters
                out.add(s.substring(from, c));
                from = c;
            }
        }
        out.add(s.substring(from));
        return out;
    }

    private static String read(String name) {
        try (InputStream in = StreamingPropertyTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
