package org.asynclm.cli;

import org.asynclm.runtime.files.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;

/** The quickstart's front page: one HTML file that links every output of the run. */
final class LatencyReportIndex {
    private LatencyReportIndex() {
    }

    static void write(Path index, Path latencyDir) throws IOException {
        Path base = index.toAbsolutePath().getParent();
        String rel = base.relativize(latencyDir.toAbsolutePath()).toString().replace('\\', '/');
        String html = """
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8"><title>asynclm quickstart</title>
                <style>body{font-family:sans-serif;max-width:900px;margin:2em auto;padding:0 1em;color:#222}
                li{margin:.4em 0}</style></head><body>
                <h1>asynclm quickstart</h1>
                <p>Everything this run produced. Each page is self-contained and opens offline.</p>
                <h2>Latency: Sync, Sync-Parallel, Async-Naive, Async</h2>
                <ul>
                <li><a href="%1$s/report.html">Latency report</a>: bar charts with p10/p90, speedups next to the
                paper's, and a Gantt chart of the median scenario per experiment.</li>
                <li><a href="%1$s/report.json">report.json</a>: the same figures, per scenario.</li>
                <li><a href="%1$s/timeline.json">timeline.json</a>: the median scenarios as Chrome trace events;
                open it in <a href="https://ui.perfetto.dev">Perfetto</a>.</li>
                </ul>
                </body></html>
                """.formatted(rel);
        AtomicFiles.writeString(index, html);
    }
}
