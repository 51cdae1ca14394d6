package org.asynclm.runtime.files;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Locale;

/** An I/O failure as one line a person reads: the path and what is wrong with it, in words, not in Java. */
public final class FileErrors {
    private FileErrors() {
    }

    /** The path (where the exception names one) and what is wrong with it. */
    public static String describe(IOException e) {
        if (e instanceof FileSystemException f) {
            String path = f.getOtherFile() == null ? f.getFile() : f.getFile() + " -> " + f.getOtherFile();
            return (path == null ? "" : path + ": ") + reason(f);
        }
        if (e instanceof CharacterCodingException) {
            return "a file is not UTF-8 text";
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
    }

    /** What is wrong with the path, in words: "permission denied", "no such file or directory". */
    public static String reason(FileSystemException f) {
        if (f instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (f instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (f instanceof FileAlreadyExistsException) {
            return f.getFile() != null && Files.isRegularFile(Path.of(f.getFile()))
                    ? "is a file, where a directory is needed" : "already exists";
        }
        if (f instanceof NotDirectoryException) {
            return "not a directory";
        }
        if (f instanceof DirectoryNotEmptyException) {
            return "a directory that is not empty";
        }
        String reason = f.getReason();
        return reason == null ? "cannot be written" : reason.toLowerCase(Locale.ROOT);
    }
}
