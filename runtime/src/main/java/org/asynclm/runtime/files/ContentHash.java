package org.asynclm.runtime.files;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Predicate;

/**
 * SHA-256 of what an artifact was made from, for provenance: a file's bytes, or a model directory's files by name
 * and content (so that a checkpoint copied elsewhere keeps its hash, and any changed weight changes it).
 */
public final class ContentHash {

    private ContentHash() {
    }

    /** {@code sha256:HEX} of the file's bytes. */
    public static String ofFile(Path file) throws IOException {
        MessageDigest digest = sha256();
        update(digest, file);
        return format(digest);
    }

    /**
     * {@code sha256:HEX} over the regular files directly in {@code dir} whose names {@code include} accepts, in name
     * order, each as its name, a zero byte and its bytes.
     */
    public static String ofDirectory(Path dir, Predicate<String> include) throws IOException {
        List<Path> files;
        try (var list = Files.list(dir)) {
            files = list.filter(Files::isRegularFile).filter(p -> include.test(p.getFileName().toString()))
                    .sorted().toList();
        }
        MessageDigest digest = sha256();
        for (Path f : files) {
            digest.update(f.getFileName().toString().getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            update(digest, f);
        }
        return format(digest);
    }

    /** The files that decide what a model computes: config, tokenizer, weights and adapters, not optimizer state. */
    public static String ofModel(Path dir) throws IOException {
        return ofDirectory(dir, name -> name.endsWith(".json") && !name.equals("trainer_state.json")
                || name.endsWith(".safetensors") && !name.startsWith("optimizer"));
    }

    private static void update(MessageDigest digest, Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
    }

    /** {@code sha256:HEX} of what {@code digest} (from {@link #sha256}) has read. */
    public static String format(MessageDigest digest) {
        return "sha256:" + HexFormat.of().formatHex(digest.digest());
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
