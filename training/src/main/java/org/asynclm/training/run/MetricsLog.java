package org.asynclm.training.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.asynclm.runtime.files.AtomicFiles;
import org.asynclm.training.sft.Trainer;

/**
 * {@code metrics.jsonl}: one JSON line per optimiser step, flushed as it is written, so that a run killed at any
 * point leaves every finished step on disk (a line is appended whole or the kill lands inside it; a resume cuts the
 * log back to its checkpoint's step in any case).
 */
public final class MetricsLog implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private BufferedWriter out;
    private ObjectNode last;
    private int written;

    MetricsLog(Path file) throws IOException {
        this.file = file;
        out = open(file);
    }

    private static BufferedWriter open(Path file) throws IOException {
        return Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    /** Appends the step's line; an I/O failure is unchecked, since it arrives inside the training loop. */
    public void append(Trainer.Step s) {
        try {
            last = line(s);
            out.write(JSON.writeValueAsString(last));
            out.write('\n');
            out.flush();
            written++;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Adds what was measured on the checkpoint of the last step to that step's line, as {@code task_eval}: the log is
     * rewritten whole under a temporary name (once per checkpoint), so a kill leaves the line with or without them.
     */
    public void amendLast(Map<String, Double> rates) throws IOException {
        if (rates.isEmpty() || last == null) {
            return;
        }
        // task_eval sits after the losses, where a reader of the log looks for the step's figures
        String after = last.has("eval_loss") ? "eval_loss" : "loss";
        ObjectNode withRates = JsonNodeFactory.instance.objectNode();
        for (var it = last.fields(); it.hasNext(); ) {
            var e = it.next();
            withRates.set(e.getKey(), e.getValue());
            if (e.getKey().equals(after)) {
                rates.forEach(withRates.putObject("task_eval")::put);
            }
        }
        out.close();
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        if (lines.isEmpty() || stepOf(lines.get(lines.size() - 1)) != last.get("step").asInt()) {
            throw new IllegalStateException(file + ": the last line is not step " + last.get("step"));
        }
        lines.set(lines.size() - 1, JSON.writeValueAsString(withRates));
        AtomicFiles.writeString(file, String.join("\n", lines) + "\n");
        last = withRates;
        out = open(file);
    }

    /** Lines this log appended. */
    int written() {
        return written;
    }

    static ObjectNode line(Trainer.Step s) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("step", s.step());
        n.put("loss", s.loss());
        if (s.evalLoss() != null) {
            n.put("eval_loss", s.evalLoss());
        }
        n.put("lr", s.learningRate());
        n.put("grad_norm", s.gradNorm());
        n.put("tokens", s.tokens());
        n.put("trained_tokens", s.trainedTokens());
        n.put("seconds", s.seconds());
        n.put("tokens_per_second", Math.round(s.tokens() / s.seconds()));
        return n;
    }

    /** The step of a line, or -1 for one that is not a whole step line (a kill can cut the last). */
    static int stepOf(String line) {
        try {
            return JSON.readTree(line).path("step").asInt(-1);
        } catch (IOException e) {
            return -1;
        }
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
