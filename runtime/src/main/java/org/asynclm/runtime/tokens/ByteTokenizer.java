package org.asynclm.runtime.tokens;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * One token per UTF-8 byte (ids 0-255), then one token for each special string: the Llama 3 chat tokens and the
 * five CML markers. This is the vocabulary of the tiny model that {@code asynclm init-model} writes, so simulated
 * decode times count exactly the tokens that model would generate.
 */
public final class ByteTokenizer implements Tokenizer {

    /** Special tokens in id order from 256. The tiny model's tokenizer.json lists the same strings at the same ids. */
    public static final List<String> SPECIALS = List.of(
            "<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>",
            "[CALL]", "[INTR]", "[TRAP]", "[END]", "[HEAD]");

    public static final int FIRST_SPECIAL = 256;
    public static final int EOT_ID = FIRST_SPECIAL + SPECIALS.indexOf("<|eot_id|>");

    private static final String[] PIECES = new String[FIRST_SPECIAL + SPECIALS.size()];

    static {
        for (int b = 0; b < 128; b++) {
            PIECES[b] = String.valueOf((char) b);
        }
        for (int b = 128; b < 256; b++) {
            PIECES[b] = ""; // part of a multi-byte character: never '[' or ']'
        }
        for (int k = 0; k < SPECIALS.size(); k++) {
            PIECES[FIRST_SPECIAL + k] = SPECIALS.get(k);
        }
    }

    @Override
    public int[] encode(String text) {
        int[] out = new int[text.length() + 8]; // grown only for non-ASCII text
        int n = 0;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '[' || c == '<') {
                int special = specialAt(text, i);
                if (special >= 0) {
                    out[n++] = FIRST_SPECIAL + special;
                    i += SPECIALS.get(special).length();
                    continue;
                }
            }
            if (c < 0x80) {
                out[n++] = c;
                i++;
                continue;
            }
            int cp = text.codePointAt(i);
            byte[] bytes = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
            if (n + bytes.length + (text.length() - i) > out.length) {
                out = Arrays.copyOf(out, Math.max(out.length * 2, n + bytes.length + text.length() - i));
            }
            for (byte b : bytes) {
                out[n++] = b & 0xff;
            }
            i += Character.charCount(cp);
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    @Override
    public int count(String text) {
        int n = 0;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '[' || c == '<') {
                int special = specialAt(text, i);
                if (special >= 0) {
                    n++;
                    i += SPECIALS.get(special).length();
                    continue;
                }
            }
            if (c < 0x80) {
                n++;
                i++;
            } else {
                int cp = text.codePointAt(i);
                n += cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
                i += Character.charCount(cp);
            }
        }
        return n;
    }

    /** The special token starting at {@code i}, or -1. Chat tokens start with "<|", CML markers with "[". */
    private static int specialAt(String text, int i) {
        if (i + 1 >= text.length()) {
            return -1;
        }
        char c = text.charAt(i);
        char next = text.charAt(i + 1);
        if (c == '<' ? next != '|' : "CITEH".indexOf(next) < 0) {
            return -1;
        }
        for (int k = 0; k < SPECIALS.size(); k++) {
            if (text.startsWith(SPECIALS.get(k), i)) {
                return k;
            }
        }
        return -1;
    }

    @Override
    public String piece(int id) {
        return PIECES[id];
    }

    @Override
    public int vocabularySize() {
        return PIECES.length;
    }

    @Override
    public int endOfTurnId() {
        return EOT_ID;
    }

    @Override
    public TextDecoder newDecoder() {
        return new Utf8Decoder();
    }

    private static final class Utf8Decoder implements TextDecoder {
        private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        private final ByteBuffer bytes = ByteBuffer.allocate(8);
        private final CharBuffer chars = CharBuffer.allocate(8);

        @Override
        public String next(int id) {
            if (id >= FIRST_SPECIAL) {
                bytes.clear();
                return PIECES[id];
            }
            if (id < 0x80 && bytes.position() == 0) {
                return PIECES[id];
            }
            bytes.put((byte) id);
            bytes.flip();
            chars.clear();
            utf8.decode(bytes, chars, false);
            bytes.compact();
            chars.flip();
            return chars.toString();
        }
    }
}
