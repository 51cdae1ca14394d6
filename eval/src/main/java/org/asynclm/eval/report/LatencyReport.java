package org.asynclm.eval.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.asynclm.eval.latency.LatencyExperiment;
import org.asynclm.eval.latency.MethodStats;
import org.asynclm.eval.latency.PaperFigures;
import org.asynclm.runtime.CostModel;
import org.asynclm.runtime.Method;
import org.asynclm.runtime.files.AtomicFiles;
import org.asynclm.runtime.timeline.TimelineRecorder;

/** Writes latency experiments as {@code report.json} and a self-contained {@code report.html}. */
public final class LatencyReport {
    public static final String SCHEMA = "asynclm.latency-report/1";
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Map<Method, String> COLORS = Map.of(Method.SYNC, "#9e9e9e", Method.SYNC_PARALLEL, "#f0a030",
            Method.ASYNC_NAIVE, "#7fb3d5", Method.ASYNC, "#1f6fb5");

    /**
     * An experiment and the timelines of its median scenario; {@code server}: what the requests to a model behind
     * HTTP measured, or null.
     */
    public record Entry(LatencyExperiment.Result result, Map<Method, TimelineRecorder> medianTimelines,
                        ServerRequests server) {
        public Entry(LatencyExperiment.Result result, Map<Method, TimelineRecorder> medianTimelines) {
            this(result, medianTimelines, null);
        }
    }

    private LatencyReport() {
    }

    public static ObjectNode json(List<Entry> entries) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("schema", SCHEMA);
        ArrayNode list = root.putArray("experiments");
        for (Entry e : entries) {
            LatencyExperiment.Result r = e.result();
            ObjectNode x = list.addObject();
            x.put("dataset", r.dataset());
            x.put("scenarios", r.scenarios().size());
            ObjectNode settings = x.putObject("settings");
            settings.put("deployment", r.cost().deployment().name().toLowerCase(Locale.ROOT));
            settings.put("tpot_ms", r.cost().tpotNanos() / 1e6);
            settings.put("prefill_ms_per_token", r.cost().prefillNanosPerToken() / 1e6);
            settings.put("ttft_ms", r.cost().ttftNanos() / 1e6);
            settings.put("tool_latency_ms", r.toolLatency());
            settings.put("policy", r.policy().id());
            settings.put("tokenizer", r.tokenizer());
            settings.put("seed", r.seed());
            x.put("lower_bound_mean_ms", r.meanLowerBoundMs());
            if (e.server() != null) {
                ServerRequests q = e.server();
                x.putObject("server").put("base_url", q.baseUrl()).put("model", q.model()).put("requests", q.requests())
                        .put("ttft_p50_ms", q.ttftP50Ms()).put("ttft_p90_ms", q.ttftP90Ms())
                        .put("tokens_per_s_p50", q.tokensPerSecondP50()).put("refused_tokens", q.refusedTokens());
            }
            ObjectNode methods = x.putObject("methods");
            Map<Method, Double> paper = PaperFigures.speedups(r.dataset());
            for (MethodStats s : r.stats()) {
                ObjectNode m = methods.putObject(s.method().id());
                m.put("mean_ms", s.meanMs());
                m.put("p10_ms", s.p10Ms());
                m.put("p50_ms", s.p50Ms());
                m.put("p90_ms", s.p90Ms());
                m.put("speedup_vs_sync", s.speedupVsSync());
                m.put("ratio_to_lower_bound", s.ratioToLowerBound());
                m.put("prefill_tokens", s.prefillTokens());
                m.put("idle_ms", s.idleMs());
                m.put("interrupts", s.interrupts());
                m.put("traps", s.traps());
                m.put("accuracy", s.accuracy());
                m.put("call_match_rate", s.callMatchRate());
                m.put("valid_order_rate", s.orderRate());
                if (paper.containsKey(s.method())) {
                    m.put("paper_speedup_vs_sync", paper.get(s.method()));
                }
            }
            ArrayNode per = x.putArray("per_scenario");
            for (LatencyExperiment.ScenarioResult s : r.scenarios()) {
                ObjectNode n = per.addObject();
                n.put("name", s.scenario().name());
                n.put("calls", s.scenario().calls().size());
                n.put("lower_bound_ms", s.bounds().lowerBound() / 1e6);
                if (s.scenario().independent()) {
                    n.put("closed_form_async_ms", s.bounds().closedFormAsyncLpt() / 1e6);
                }
                ObjectNode mk = n.putObject("makespan_ms");
                ObjectNode lr = n.putObject("last_result_ms");
                s.outcomes().forEach((m, o) -> {
                    mk.put(m.id(), o.makespanNanos() / 1e6);
                    lr.put(m.id(), o.lastResultNanos() / 1e6);
                });
            }
        }
        return root;
    }

    public static void writeJson(Path file, List<Entry> entries) throws IOException {
        atomicWrite(file, MAPPER.writeValueAsString(json(entries)));
    }

    public static void writeHtml(Path file, List<Entry> entries) throws IOException {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
                .append("<title>asynclm latency report</title>\n<style>\n")
                .append("body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222;padding:0 1em}")
                .append("table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;")
                .append("text-align:right}th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}")
                .append(".note{color:#555;font-size:90%}h2{margin-top:2em;border-bottom:1px solid #ddd}\n")
                .append("</style></head><body>\n<h1>asynclm latency report</h1>\n")
                .append("<p class=\"note\">Makespan: time from the first to the last generated token of a task. Every ")
                .append("method runs the same scenarios with the same calls and tool latencies; the model is the ")
                .append("teacher engine (a perfect policy) on a virtual clock. Bars show the mean, whiskers the 10th ")
                .append("and 90th percentiles. Lower bound: max(total decode of the call blocks, longest path of ")
                .append("decode + execution).</p>\n");
        for (Entry e : entries) {
            experimentHtml(h, e);
        }
        h.append("</body></html>\n");
        atomicWrite(file, h.toString());
    }

    private static void experimentHtml(StringBuilder h, Entry e) {
        LatencyExperiment.Result r = e.result();
        CostModel c = r.cost();
        String deployment = c.deployment() == CostModel.Deployment.CLOUD
                ? String.format(Locale.ROOT, "cloud (TTFT %.0f ms per new request)", c.ttftNanos() / 1e6)
                : "local (KV cache kept)";
        h.append("<h2>").append(Svg.escape(r.dataset())).append(" &mdash; ").append(Svg.escape(deployment))
                .append("</h2>\n<p>").append(r.scenarios().size()).append(" scenarios, TPOT ")
                .append(fmt(c.tpotNanos() / 1e6)).append(" ms, prefill ").append(fmt(c.prefillNanosPerToken() / 1e6))
                .append(" ms/token, tool latency ").append(Svg.escape(r.toolLatency())).append(" ms (min:max:mean), ")
                .append("policy ").append(Svg.escape(r.policy().id())).append(", tokens counted by ")
                .append(Svg.escape(r.tokenizer())).append(", seed ").append(r.seed()).append(".</p>\n");
        if (e.server() != null) {
            h.append("<p>Measured on the wall clock: ").append(Svg.escape(e.server().describe())).append(".</p>\n");
        }
        List<MethodStats> stats = r.stats();
        h.append(barChart(stats, r.meanLowerBoundMs()));
        Map<Method, Double> paper = PaperFigures.speedups(r.dataset());
        h.append("<table><tr><th>method</th><th>mean ms</th><th>p10</th><th>p50</th><th>p90</th>")
                .append("<th>speedup vs sync</th><th>paper</th><th>&times; lower bound</th><th>prefill tokens</th>")
                .append("<th>idle ms</th><th>interrupts</th><th>traps</th><th>accuracy</th></tr>\n");
        for (MethodStats s : stats) {
            h.append("<tr><td>").append(s.method().id()).append("</td><td>").append(fmt(s.meanMs()))
                    .append("</td><td>").append(fmt(s.p10Ms())).append("</td><td>").append(fmt(s.p50Ms()))
                    .append("</td><td>").append(fmt(s.p90Ms())).append("</td><td>")
                    .append(String.format(Locale.ROOT, "%.2f&times;", s.speedupVsSync())).append("</td><td>")
                    .append(paper.containsKey(s.method()) ? paper.get(s.method()) + "&times;" : "")
                    .append("</td><td>").append(String.format(Locale.ROOT, "%.2f", s.ratioToLowerBound()))
                    .append("</td><td>").append(fmt(s.prefillTokens())).append("</td><td>").append(fmt(s.idleMs()))
                    .append("</td><td>").append(fmt(s.interrupts())).append("</td><td>").append(fmt(s.traps()))
                    .append("</td><td>").append(String.format(Locale.ROOT, "%.2f", s.accuracy()))
                    .append("</td></tr>\n");
        }
        h.append("</table>\n");
        if (!paper.isEmpty()) {
            h.append("<p class=\"note\">Paper figures: speedups over Sync at an emulated TPOT of 5 ms in the cloud ")
                    .append("deployment, where every new request pays about 310 ms to first token.</p>\n");
        }
        LatencyExperiment.ScenarioResult median = r.medianScenario();
        h.append("<h3>Timeline of the median scenario: ").append(Svg.escape(median.scenario().name()))
                .append("</h3>\n<p class=\"note\">Model lane: decode (blue), prefill (orange), waiting (grey); ")
                .append("call lanes: tool executions (green); ticks: interrupts injected.</p>\n");
        h.append(gantt(e.medianTimelines()));
    }

    private static String barChart(List<MethodStats> stats, double lowerBoundMs) {
        int w = 760;
        int plotRight = 630;
        int hgt = 300;
        int left = 70;
        int bottom = 40;
        int top = 20;
        double max = stats.stream().mapToDouble(MethodStats::p90Ms).max().orElse(1) * 1.1;
        double plotH = hgt - top - bottom;
        Svg svg = new Svg(w, hgt);
        double step = Svg.niceStep(max, 5);
        for (double y = 0; y <= max; y += step) {
            double py = top + plotH * (1 - y / max);
            svg.line(left, py, plotRight, py, "#eee", 1).text(left - 6, py + 4, fmt(y), "end", 11, "#555");
        }
        svg.text(14, top + plotH / 2, "ms", "middle", 11, "#555");
        double slot = (double) (plotRight - left) / stats.size();
        for (int i = 0; i < stats.size(); i++) {
            MethodStats s = stats.get(i);
            double x = left + i * slot + slot * 0.2;
            double bw = slot * 0.6;
            double yMean = top + plotH * (1 - s.meanMs() / max);
            svg.rect(x, yMean, bw, top + plotH - yMean, COLORS.getOrDefault(s.method(), "#888"),
                    s.method().id() + ": mean " + fmt(s.meanMs()) + " ms");
            double y10 = top + plotH * (1 - s.p10Ms() / max);
            double y90 = top + plotH * (1 - s.p90Ms() / max);
            double cx = x + bw / 2;
            svg.line(cx, y10, cx, y90, "#222", 1.5).line(cx - 8, y10, cx + 8, y10, "#222", 1.5)
                    .line(cx - 8, y90, cx + 8, y90, "#222", 1.5);
            svg.text(cx, y90 - 6, String.format(Locale.ROOT, "%.2f\u00d7", s.speedupVsSync()), "middle", 12, "#222");
            svg.text(cx, hgt - bottom + 16, s.method().id(), "middle", 12, "#222");
        }
        double yLb = top + plotH * (1 - lowerBoundMs / max);
        svg.line(left, yLb, plotRight, yLb, "#c0392b", 1).text(plotRight + 6, yLb + 4, "mean lower bound", "start", 11,
                "#c0392b");
        return svg.render();
    }

    private static String gantt(Map<Method, TimelineRecorder> timelines) {
        double end = 1;
        int rows = 0;
        for (TimelineRecorder rec : timelines.values()) {
            for (TimelineRecorder.Event ev : rec.events()) {
                end = Math.max(end, ev.end() / 1e6);
            }
            rows += 1 + rec.callLanes();
        }
        int left = 110;
        int w = 900;
        int rowH = 16;
        int top = 20;
        int hgt = top + (rows + timelines.size()) * rowH + 30;
        double scale = (w - left - 10) / end;
        Svg svg = new Svg(w, hgt);
        double step = Svg.niceStep(end, 8);
        for (double t = 0; t <= end; t += step) {
            double x = left + t * scale;
            svg.line(x, top, x, hgt - 24, "#eee", 1).text(x, hgt - 8, fmt(t) + " ms", "middle", 10, "#555");
        }
        int row = 0;
        for (Map.Entry<Method, TimelineRecorder> m : timelines.entrySet()) {
            double y0 = top + row * rowH;
            svg.text(left - 8, y0 + rowH - 4, m.getKey().id(), "end", 12, "#222");
            for (TimelineRecorder.Event ev : m.getValue().events()) {
                if (ev.end() <= 0 && !ev.instant()) {
                    continue; // the prompt's prefill, before the first generated token
                }
                double x = left + ev.start() / 1e6 * scale;
                double y = y0 + ev.lane() * rowH;
                String label = ev.name() + " " + fmt(ev.start() / 1e6) + "-" + fmt(ev.end() / 1e6) + " ms";
                if (ev.instant()) {
                    svg.line(x, y + 1, x, y + rowH - 1, "#c0392b", 1.5);
                } else if (ev.lane() == 0) {
                    String fill = ev.name().startsWith("decode") ? "#1f6fb5"
                            : ev.name().startsWith("prefill") ? "#f0a030" : "#d5d5d5";
                    svg.rect(x, y + 2, (ev.end() - ev.start()) / 1e6 * scale, rowH - 4, fill, label);
                } else {
                    svg.rect(x, y + 2, (ev.end() - ev.start()) / 1e6 * scale, rowH - 4, "#4caf50", label);
                }
            }
            row += 2 + m.getValue().callLanes();
        }
        return svg.render();
    }

    private static String fmt(double v) {
        if (Math.abs(v) >= 100 || v == Math.rint(v)) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (Math.abs(v) >= 1) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return new BigDecimal(String.format(Locale.ROOT, "%.3g", v)).stripTrailingZeros().toPlainString();
    }

    static void atomicWrite(Path file, String content) throws IOException {
        AtomicFiles.writeString(file, content);
    }
}
