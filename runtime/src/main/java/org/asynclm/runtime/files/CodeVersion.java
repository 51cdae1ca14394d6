package org.asynclm.runtime.files;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * The version of the code that made an artifact, for provenance: the Maven version, and the git commit of the
 * checkout it runs from when there is one ({@code asynclm.home}, set by bin/asynclm), so that a run can be traced
 * to its exact sources.
 */
public final class CodeVersion {
    private static final String CURRENT = read();

    private CodeVersion() {
    }

    /** For example {@code 0.1.0-SNAPSHOT+git.738672f}. */
    public static String current() {
        return CURRENT;
    }

    private static String read() {
        String version = "unknown";
        try (InputStream in = CodeVersion.class.getResourceAsStream("/org/asynclm/runtime/version.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                version = p.getProperty("version", version);
            }
        } catch (IOException e) {
            // keep "unknown": provenance must never stop a run
        }
        String home = System.getProperty("asynclm.home");
        Optional<String> commit = home == null ? Optional.empty() : gitCommit(Path.of(home, ".git"));
        String maven = version;
        return commit.map(c -> maven + "+git." + c.substring(0, Math.min(12, c.length()))).orElse(maven);
    }

    /** HEAD's commit, read from the files (no git binary): a detached HEAD, a loose ref or a packed one. */
    static Optional<String> gitCommit(Path git) {
        try {
            String head = Files.readString(git.resolve("HEAD")).strip();
            if (!head.startsWith("ref: ")) {
                return Optional.of(head);
            }
            String ref = head.substring(5);
            Path loose = git.resolve(ref);
            if (Files.exists(loose)) {
                return Optional.of(Files.readString(loose).strip());
            }
            Path packed = git.resolve("packed-refs");
            if (Files.exists(packed)) {
                for (String line : Files.readAllLines(packed)) {
                    if (line.endsWith(" " + ref)) {
                        return Optional.of(line.substring(0, line.indexOf(' ')));
                    }
                }
            }
        } catch (IOException e) {
            // not a checkout: the version alone
        }
        return Optional.empty();
    }
}
