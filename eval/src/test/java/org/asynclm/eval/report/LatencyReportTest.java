package org.asynclm.eval.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.asynclm.eval.latency.LatencyExperiment;
import org.asynclm.eval.latency.LatencyExperimentTest;
import org.asynclm.runtime.CostModel;
import org.asynclm.runtime.Method;
import org.asynclm.runtime.sim.Simulator;
import org.asynclm.runtime.teacher.PolicyName;
import org.asynclm.runtime.tokens.ByteTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LatencyReportTest {
    @TempDir
    Path dir;

    @Test
    void writesJsonAndASelfContainedHtmlPage() throws Exception {
        List<Method> methods = List.of(Method.SYNC, Method.SYNC_PARALLEL, Method.ASYNC);
        CostModel cost = CostModel.local(5, 0);
        Simulator sim = new Simulator(new ByteTokenizer(), cost, PolicyName.LPT, 2, 100_000);
        var scenarios = LatencyExperimentTest.parallel(20);
        LatencyExperiment.Result r = LatencyExperiment.run("synthetic-parallel", scenarios, sim, cost, PolicyName.LPT, 2,
                "30:500:110", "byte", methods, i -> { });
        var entry = new LatencyReport.Entry(r, LatencyExperiment.timelines(r.medianScenario().scenario(), sim, methods));
        LatencyReport.writeJson(dir.resolve("report.json"), List.of(entry));
        LatencyReport.writeHtml(dir.resolve("report.html"), List.of(entry));

        JsonNode root = new ObjectMapper().readTree(dir.resolve("report.json").toFile());
        assertEquals(LatencyReport.SCHEMA, root.get("schema").asText());
        JsonNode x = root.get("experiments").get(0);
        assertEquals(20, x.get("per_scenario").size());
        assertEquals(2.1, x.at("/methods/async/paper_speedup_vs_sync").asDouble());
        double mean = 0;
        for (JsonNode s : x.get("per_scenario")) {
            mean += s.at("/makespan_ms/async").asDouble() / 20;
        }
        assertEquals(mean, x.at("/methods/async/mean_ms").asDouble(), 1e-9);

        String html = Files.readString(dir.resolve("report.html"));
        assertTrue(html.contains("<svg"));
        assertTrue(html.contains("sync-parallel") && html.contains("mean lower bound"));
        assertTrue(!html.contains("<script") && !html.contains("<link") && !html.contains("src="),
                "self-contained: nothing to fetch");
        try (var files = Files.list(dir)) {
            assertEquals(2, files.count(), "no temporary files left behind");
        }
    }
}
