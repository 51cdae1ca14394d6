package org.asynclm.runtime.timeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.asynclm.runtime.CostModel;
import org.asynclm.runtime.Method;
import org.asynclm.runtime.scenario.LatencyDistribution;
import org.asynclm.runtime.scenario.SyntheticScenarios;
import org.asynclm.runtime.sim.Simulator;
import org.asynclm.runtime.teacher.PolicyName;
import org.asynclm.runtime.tokens.ByteTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChromeTraceTest {
    @TempDir
    Path dir;

    @Test
    void writesOneProcessPerMethodWithCallsAndDecodeSpans() throws Exception {
        var s = SyntheticScenarios.parallel(3, LatencyDistribution.PAPER_EVAL_TOOLS, 1);
        Simulator sim = new Simulator(new ByteTokenizer(), CostModel.local(5, 0), PolicyName.LPT, 1, 10_000);
        Map<String, TimelineRecorder> runs = new LinkedHashMap<>();
        for (Method m : new Method[] {Method.SYNC, Method.ASYNC}) {
            TimelineRecorder rec = new TimelineRecorder();
            sim.run(s, m, rec);
            runs.put(m.id(), rec);
        }
        Path f = dir.resolve("t.json");
        ChromeTrace.write(f, runs);
        JsonNode root = new ObjectMapper().readTree(Files.readString(f));
        int calls = 0;
        int processes = 0;
        double asyncDecodeEnd = 0;
        for (JsonNode e : root.get("traceEvents")) {
            if (e.get("name").asText().equals("process_name")) {
                processes++;
            }
            if ("call".equals(e.path("cat").asText())) {
                calls++;
                assertTrue(e.get("dur").asDouble() > 0);
            }
            if (e.path("pid").asInt() == 2 && "decode".equals(e.get("name").asText())) {
                asyncDecodeEnd = Math.max(asyncDecodeEnd, e.get("ts").asDouble() + e.get("dur").asDouble());
            }
        }
        assertEquals(2, processes);
        assertEquals(6, calls);
        assertEquals(sim.run(s, Method.ASYNC, Timeline.NONE).makespanNanos() / 1000.0, asyncDecodeEnd, 1e-6);
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }
}
