package org.asynclm.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Files that ship with asynclm (configs/...), found from its home, the working directory or its parent. */
final class Shipped {
    private Shipped() {
    }

    static Optional<Path> find(String relative) {
        Path home = Path.of(System.getProperty("asynclm.home", "."));
        for (Path base : new Path[] {home, Path.of("."), Path.of("..")}) {
            Path p = base.resolve(relative);
            if (Files.exists(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
