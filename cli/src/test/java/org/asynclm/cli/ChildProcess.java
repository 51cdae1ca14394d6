package org.asynclm.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code asynclm} in a process of its own, on this test's classpath, for what only a real process shows: signals,
 * kill -9, a second writer, a closed standard input. Output goes to files in the working directory, so that a full
 * pipe can never stall the child.
 */
final class ChildProcess {
    final Process process;
    final Path cwd;

    private ChildProcess(Process process, Path cwd) {
        this.process = process;
        this.cwd = cwd;
    }

    /** The java command line that runs {@code asynclm args}. */
    static List<String> command(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-Xmx1g", "-Dai.djl.offline=true",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    static ChildProcess start(Path cwd, String... args) throws IOException {
        return start(cwd, command(args));
    }

    static ChildProcess start(Path cwd, List<String> command) throws IOException {
        Files.createDirectories(cwd);
        Process p = new ProcessBuilder(command).directory(cwd.toFile())
                .redirectOutput(cwd.resolve("stdout.txt").toFile())
                .redirectError(cwd.resolve("stderr.txt").toFile())
                .start();
        return new ChildProcess(p, cwd);
    }

    long pid() {
        return process.pid();
    }

    int waitFor(int seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the child did not end within " + seconds + " s: " + stderr());
        }
        return process.exitValue();
    }

    String stderr() {
        try {
            return Files.readString(cwd.resolve("stderr.txt"));
        } catch (IOException e) {
            return "";
        }
    }

    /** Waits until {@code file} has at least {@code lines} lines, or the child ends; false when it ended first. */
    boolean awaitLines(Path file, int lines, int seconds) throws IOException, InterruptedException {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < end) {
            if (Files.exists(file) && Files.readAllLines(file).size() >= lines) {
                return true;
            }
            if (!process.isAlive()) {
                return false;
            }
            Thread.sleep(20);
        }
        throw new AssertionError(file + " did not reach " + lines + " lines in " + seconds + " s: " + stderr());
    }

    /** The JVM's crash logs in the working directory (there must be none). */
    List<String> crashLogs() throws IOException {
        try (var list = Files.list(cwd)) {
            return list.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("hs_err")).toList();
        }
    }
}
