package org.asynclm.runtime.files;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.asynclm.runtime.BadInputException;

/** The non-blank lines of a UTF-8 text file (JSON Lines, for example) with their numbers, for messages. */
public final class TextLines {

    @FunctionalInterface
    public interface Handler {
        void line(int number, String text) throws BadInputException;
    }

    private TextLines() {
    }

    /** Calls {@code handler} for every non-blank line in order; numbers count from 1 and include blank lines. */
    public static void forEach(Path file, Handler handler) throws BadInputException {
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        // bytes split at '\n' and each line decoded alone, so that a byte that is not UTF-8 is found on its line
        try (InputStream in = Files.newInputStream(file)) {
            byte[] chunk = new byte[1 << 16];
            ByteArrayOutputStream line = new ByteArrayOutputStream(4096);
            int number = 0;
            int n;
            while ((n = in.read(chunk)) != -1) {
                int from = 0;
                for (int k = 0; k < n; k++) {
                    if (chunk[k] == '\n') {
                        line.write(chunk, from, k - from);
                        emit(file, line, ++number, utf8, handler);
                        from = k + 1;
                    }
                }
                line.write(chunk, from, n - from);
            }
            if (line.size() > 0) {
                emit(file, line, ++number, utf8, handler);
            }
        } catch (NoSuchFileException e) {
            throw new BadInputException(file + ": no such file");
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot read: " + e.getMessage());
        }
    }

    private static void emit(Path file, ByteArrayOutputStream line, int number, CharsetDecoder utf8, Handler handler)
            throws BadInputException {
        String text;
        try {
            text = utf8.decode(ByteBuffer.wrap(line.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new BadInputException(file + ":" + number + ": not UTF-8 text");
        }
        line.reset();
        if (text.endsWith("\r")) {
            text = text.substring(0, text.length() - 1);
        }
        if (!text.isBlank()) {
            handler.line(number, text);
        }
    }
}
