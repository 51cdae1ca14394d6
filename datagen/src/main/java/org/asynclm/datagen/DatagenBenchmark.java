package org.asynclm.datagen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.asynclm.datagen.trace.TraceGenerator;

/** Traces per second and assistant tokens per second of a full datagen run, the file written to a scratch dir. */
public final class DatagenBenchmark {

    public record Result(int traces, double seconds, double tracesPerSecond, double tokensPerSecond) {
    }

    private DatagenBenchmark() {
    }

    public static Result run(TraceGenerator generator, int n, String format, int threads, int rounds)
            throws IOException {
        Path dir = Files.createTempDirectory("asynclm-bench");
        try {
            Result last = null;
            for (int r = 0; r < rounds; r++) { // earlier rounds warm the JIT
                Path out = dir.resolve("bench.jsonl");
                long t0 = System.nanoTime();
                Datagen.Summary s = Datagen.write(generator, n, format, out, threads, i -> { });
                double sec = (System.nanoTime() - t0) / 1e9;
                last = new Result(n, sec, n / sec, s.assistantTokens() / sec);
                Files.deleteIfExists(out);
            }
            return last;
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
    }
}
