package org.asynclm.datagen;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;
import org.asynclm.datagen.config.DatagenConfig;
import org.asynclm.datagen.trace.Trace;
import org.asynclm.datagen.trace.TraceGenerator;
import org.asynclm.datagen.trace.TraceWriter;
import org.asynclm.runtime.files.AtomicFiles;
import org.asynclm.runtime.files.CodeVersion;
import org.asynclm.runtime.files.ContentHash;
import org.asynclm.runtime.stop.StopSignals;

/**
 * Writes {@code n} traces to a JSONL file: made in chunks on worker threads, written in index order to a temporary
 * file that is renamed into place only when complete. The bytes depend on the config alone, not on the threads.
 */
public final class Datagen {
    private static final int CHUNK = 64;

    /** What was written. */
    /** What was written; {@code outputSha256} is the file's hash, taken as it was written. */
    public record Summary(int traces, long assistantTokens, long promptTokens, double meanMakespanMs,
                          double meanSyncMakespanMs, double meanLowerBoundMs, Map<String, Integer> shapes,
                          String outputSha256) {
        public double speedupOverSync() {
            return meanSyncMakespanMs / meanMakespanMs;
        }
    }

    private Datagen() {
    }

    public static Summary write(TraceGenerator generator, int n, DatagenConfig.Format format, Path out, int threads,
                                IntConsumer progress) throws IOException {
        Totals totals = new Totals();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
        try {
            AtomicFiles.write(out, tmp -> writeInOrder(generator, n, format, tmp, threads, pool, totals, progress));
        } finally {
            pool.shutdownNow();
        }
        return totals.summary(n);
    }

    private static void writeInOrder(TraceGenerator generator, int n, DatagenConfig.Format format, Path file, int threads,
                                     ExecutorService pool, Totals totals, IntConsumer progress) throws IOException {
        MessageDigest digest = ContentHash.sha256(); // hashed on the way out, not read back for the sidecar
        try (BufferedWriter w = new BufferedWriter(new OutputStreamWriter(
                new DigestOutputStream(Files.newOutputStream(file), digest), StandardCharsets.UTF_8))) {
            ArrayDeque<Future<List<String>>> inFlight = new ArrayDeque<>();
            int next = 0;
            int done = 0;
            while (done < n) {
                StopSignals.check(); // a signal stops between chunks; the temporary file is then removed
                while (next < n && inFlight.size() < 4 * Math.max(1, threads)) {
                    int from = next;
                    int to = Math.min(n, from + CHUNK);
                    inFlight.add(pool.submit(() -> chunk(generator, from, to, format, totals)));
                    next = to;
                }
                for (String line : inFlight.poll().get()) {
                    w.write(line);
                    w.write('\n');
                    done++;
                }
                progress.accept(done);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(e.getCause());
        }
        totals.hashed(ContentHash.format(digest)); // the writer is closed: every byte went through the digest
    }

    /** A file written beside the traces, and what it is for, in words. */
    public record Sidecar(Path file, String what) {
    }

    /**
     * Writes what goes beside the traces: always their provenance, and for a {@code trl} export the chat template
     * TRL renders it with. Returns the files in the order written.
     */
    public static List<Sidecar> writeSidecars(Path out, DatagenConfig config, Summary s) throws IOException {
        List<Sidecar> written = new ArrayList<>();
        writeProvenance(out, config, s);
        written.add(new Sidecar(provenanceFile(out), "what made them"));
        if (config.format() == DatagenConfig.Format.TRL) {
            Path template = out.resolveSibling(out.getFileName() + ".chat_template.jinja");
            AtomicFiles.writeString(template, TraceWriter.chatTemplate());
            written.add(new Sidecar(template, "the chat template: TRL's chat_template_path, with assistant_only_loss"));
        }
        return written;
    }

    /** The sidecar of a trace file: {@code OUT.provenance.json}. */
    public static Path provenanceFile(Path out) {
        return out.resolveSibling(out.getFileName() + ".provenance.json");
    }

    /**
     * Writes the sidecar beside {@code out}: the code version, the time, the whole config (with its seed), the counts
     * and the output's hash, so that a trace file can be traced back to what made it and checked for changes.
     */
    private static void writeProvenance(Path out, DatagenConfig config, Summary s) throws IOException {
        ObjectNode n = PROVENANCE.createObjectNode();
        n.put("schema", "asynclm.datagen-provenance/1");
        n.put("output", out.getFileName().toString());
        n.put("output_sha256", s.outputSha256());
        n.put("code_version", CodeVersion.current());
        n.put("created", Instant.now().toString());
        n.put("seed", config.seed());
        n.set("config", PROVENANCE.valueToTree(config));
        ObjectNode counts = n.putObject("counts");
        counts.put("traces", s.traces());
        counts.put("assistant_tokens", s.assistantTokens());
        counts.put("prompt_tokens", s.promptTokens());
        counts.set("shapes", PROVENANCE.valueToTree(s.shapes()));
        AtomicFiles.writeString(provenanceFile(out), PROVENANCE.writerWithDefaultPrettyPrinter().writeValueAsString(n));
    }

    private static final ObjectMapper PROVENANCE = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    private static List<String> chunk(TraceGenerator g, int from, int to, DatagenConfig.Format format, Totals totals) {
        List<String> lines = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            Trace t = g.generate(i);
            totals.add(t);
            lines.add(TraceWriter.line(t, format, g.tokenizer()::vocabularyText));
        }
        return lines;
    }

    /** Running sums across worker threads; sums of integers, so the order of addition does not matter. */
    private static final class Totals {
        private long assistantTokens;
        private long promptTokens;
        private long makespanNanos;
        private long syncNanos;
        private long lowerBoundNanos;
        private final Map<String, Integer> shapes = new TreeMap<>();
        private String outputSha256;

        synchronized void add(Trace t) {
            assistantTokens += t.assistantTokens();
            promptTokens += t.promptTokens();
            makespanNanos += t.outcome().makespanNanos();
            syncNanos += t.syncMakespanNanos();
            lowerBoundNanos += t.bounds().lowerBound();
            shapes.merge(t.task().shape(), 1, Integer::sum);
        }

        synchronized void hashed(String sha256) {
            outputSha256 = sha256;
        }

        synchronized Summary summary(int n) {
            return new Summary(n, assistantTokens, promptTokens, makespanNanos / 1e6 / n, syncNanos / 1e6 / n,
                    lowerBoundNanos / 1e6 / n, Collections.unmodifiableMap(new TreeMap<>(shapes)), outputSha256);
        }
    }
}
