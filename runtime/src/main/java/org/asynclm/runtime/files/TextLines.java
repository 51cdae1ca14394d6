package org.asynclm.runtime.files;

import java.io.BufferedReader;
import java.io.IOException;
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
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String text;
            int number = 0;
            while ((text = r.readLine()) != null) {
                number++;
                if (!text.isBlank()) {
                    handler.line(number, text);
                }
            }
        } catch (NoSuchFileException e) {
            throw new BadInputException(file + ": no such file");
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot read: " + e.getMessage());
        }
    }
}
