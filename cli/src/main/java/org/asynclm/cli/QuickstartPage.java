package org.asynclm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.asynclm.runtime.files.AtomicFiles;

/** The quickstart's front page: one HTML file that shows the headline figures and links every output of the run. */
final class QuickstartPage {
    private QuickstartPage() {
    }

    static void write(Path index, Path trainDir, Path checkpoint, Path learning, Path learningCopied, Path latencyDir)
            throws IOException {
        Path base = index.toAbsolutePath().getParent();
        String html = """
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8"><title>asynclm quickstart</title>
                <style>body{font-family:sans-serif;max-width:900px;margin:2em auto;padding:0 1em;color:#222}
                li{margin:.4em 0} table{border-collapse:collapse} td,th{border:1px solid #ccc;padding:.3em .7em}
                td{text-align:right} img{max-width:100%%;border:1px solid #eee}</style></head><body>
                <h1>asynclm quickstart</h1>
                <p>Everything this run produced. Each page is self-contained and opens offline.</p>
                <h2>1. Training the tiny Llama on CML traces</h2>
                %s
                <h2>2. Did it learn asynchronous calling?</h2>
                %s
                <h2>3. Latency: Sync, Sync-Parallel, Async-Naive, Async (teacher engine)</h2>
                %s
                <ul>
                <li><a href="%4$s/report.html">Latency report</a>: bar charts with p10/p90, speedups next to the
                paper's, and a Gantt chart of the median scenario per experiment.</li>
                <li><a href="%4$s/report.json">report.json</a>: the same figures, per scenario.</li>
                <li><a href="%4$s/timeline.json">timeline.json</a>: the median scenarios as Chrome trace events;
                open it in <a href="https://ui.perfetto.dev">Perfetto</a>.</li>
                </ul>
                </body></html>
                """.formatted(training(base, trainDir, checkpoint), learning(base, learning, learningCopied),
                speedups(latencyDir.resolve("report.json")), rel(base, latencyDir));
        AtomicFiles.writeString(index, html);
    }

    private static String training(Path base, Path trainDir, Path checkpoint) throws IOException {
        List<String> lines = Files.readAllLines(trainDir.resolve("metrics.jsonl"));
        JsonNode last = Json.MAPPER.readTree(lines.get(lines.size() - 1));
        double seconds = 0;
        for (String l : lines) {
            seconds += Json.MAPPER.readTree(l).get("seconds").asDouble();
        }
        String t = rel(base, trainDir);
        String chart = (Files.exists(trainDir.resolve("loss.png"))
                ? "<p><img src=\"" + t + "/loss.png\" alt=\"training loss per step\"></p>" : "")
                + (Files.exists(trainDir.resolve("tasks.png"))
                ? "<p><img src=\"" + t + "/tasks.png\" alt=\"held-out task rates at each checkpoint\"></p>" : "");
        return chart + String.format(Locale.ROOT, """
                <p>%d steps in %.1f minutes; last loss %.3f, held-out loss %s (nats per trained token).</p>
                <ul><li><a href="%s/metrics.jsonl">metrics.jsonl</a>: loss, learning rate, gradient norm and
                tokens per second of every step.</li>
                <li><code>%s</code>: the trained checkpoint (Hugging Face layout), for <code>generate</code>,
                <code>eval</code> and <code>export</code>.</li></ul>
                """, last.get("step").asInt(), seconds / 60, last.get("loss").asDouble(),
                last.has("eval_loss") ? String.format(Locale.ROOT, "%.3f", last.get("eval_loss").asDouble()) : "-",
                t, rel(base, checkpoint));
    }

    /** The rates of the two evaluations side by side: values as written, and values copied. */
    private static String learning(Path base, Path learning, Path learningCopied) throws IOException {
        JsonNode free = Json.MAPPER.readTree(learning.toFile());
        JsonNode copied = Json.MAPPER.readTree(learningCopied.toFile());
        StringBuilder rows = new StringBuilder("<tr><th></th><th>values as written</th><th>values copied</th></tr>");
        String[][] keys = {{"cml_valid_rate", "CML valid"}, {"all_calls_once_rate", "every call once"},
            {"dependency_ok_rate", "dependencies respected"}, {"scenario_ok_rate", "task fully right"},
            {"runaway_rate", "ended by the runaway guard"}};
        for (String[] k : keys) {
            rows.append(String.format(Locale.ROOT, "<tr><th>%s</th><td>%.1f%%</td><td>%.1f%%</td></tr>", k[1],
                    100 * free.path(k[0]).asDouble(), 100 * copied.path(k[0]).asDouble()));
        }
        for (String[] k : new String[][] {{"makespan_ratio_vs_teacher", "makespan / teacher"},
            {"makespan_ratio_vs_sync", "makespan / sync"}}) {
            rows.append("<tr><th>").append(k[1]).append("</th><td>").append(ratio(free.get(k[0])))
                    .append("</td><td>").append(ratio(copied.get(k[0]))).append("</td></tr>");
        }
        return String.format(Locale.ROOT, """
                <p>The trained model in the Async runtime on %d held-out synthetic tasks (constrained decoding,
                simulated tools, virtual clock), each run checked against the task's ground truth. The second
                column asks decoding for more: each quoted value of a call a copy of a span of the request or of a
                result (<code>eval synthetic --values copied</code>).</p>
                <table>%s</table>
                <p><a href="%s">%s</a> and <a href="%s">%s</a>: every run with its verdicts, errors and
                transcript.</p>
                """, free.get("n").asInt(), rows, rel(base, learning), learning.getFileName(),
                rel(base, learningCopied), learningCopied.getFileName());
    }

    private static String ratio(JsonNode r) {
        return r == null || r.isNull() ? "-" : String.format(Locale.ROOT, "%.3f", r.asDouble());
    }

    /** Speedup over Sync per experiment, beside the paper's. */
    private static String speedups(Path report) throws IOException {
        StringBuilder rows = new StringBuilder("<tr><th>dataset</th><th>deployment</th><th>Sync-Parallel</th>"
                + "<th>Async</th><th>paper (SP / Async)</th></tr>");
        for (JsonNode x : Json.MAPPER.readTree(report.toFile()).get("experiments")) {
            JsonNode m = x.get("methods");
            rows.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>",
                    x.get("dataset").asText(), x.at("/settings/deployment").asText(),
                    speedup(m.path("sync-parallel")), speedup(m.path("async")),
                    m.path("async").has("paper_speedup_vs_sync") ? m.at("/sync-parallel/paper_speedup_vs_sync")
                            .asText() + "× / " + m.at("/async/paper_speedup_vs_sync").asText() + "×" : ""));
        }
        return "<table>" + rows + "</table>";
    }

    private static String speedup(JsonNode method) {
        return method.has("speedup_vs_sync")
                ? String.format(Locale.ROOT, "%.2f×", method.get("speedup_vs_sync").asDouble()) : "-";
    }

    private static String rel(Path base, Path p) {
        return base.relativize(p.toAbsolutePath()).toString().replace('\\', '/');
    }
}
