package org.asynclm.datagen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.asynclm.datagen.config.DatagenConfig;
import org.asynclm.datagen.trace.TraceGenerator;

/** Traces per second and assistant tokens per second of a full datagen run, the file written to a scratch dir. */
public final class DatagenBenchmark {

    public record Result(int traces, double seconds, double tracesPerSecond, double tokensPerSecond) {
    }

    private DatagenBenchmark() {
    }

    /**
     * Runs {@code rounds} full datagen runs; the first half warm the JIT (on 2 cores the first rounds run at a
     * fifth of full speed while C2 compiles) and the median of the rest by traces/s is reported, since single
     * rounds on a shared machine vary by a fifth.
     */
    public static Result run(TraceGenerator generator, int n, DatagenConfig.Format format, int threads, int rounds)
            throws IOException {
        Path dir = Files.createTempDirectory("asynclm-bench");
        try {
            List<Result> measured = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                Path out = dir.resolve("bench.jsonl");
                long t0 = System.nanoTime();
                Datagen.Summary s = Datagen.write(generator, n, format, out, threads, i -> { });
                double sec = (System.nanoTime() - t0) / 1e9;
                if (r >= rounds / 2) {
                    measured.add(new Result(n, sec, n / sec, s.assistantTokens() / sec));
                }
                Files.deleteIfExists(out);
            }
            measured.sort(Comparator.comparingDouble(Result::tracesPerSecond));
            return measured.get(measured.size() / 2);
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
