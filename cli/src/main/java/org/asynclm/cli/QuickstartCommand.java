package org.asynclm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.asynclm.eval.report.LatencyReport;
import org.asynclm.runtime.BadInputException;
import org.asynclm.runtime.CostModel;
import org.asynclm.runtime.Method;
import org.asynclm.runtime.scenario.LatencyDistribution;
import org.asynclm.runtime.scenario.Scenario;
import org.asynclm.runtime.tokens.ByteTokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "quickstart", mixinStandardHelpOptions = true,
        description = {"Runs the pipeline end to end on the embedded defaults (CPU, no downloads) and prints where "
                + "the report is. Today that is the latency experiment: synthetic parallel and multi-step-parallel "
                + "tasks under the four methods, in the local and the cloud deployment, with the teacher engine.",
                "A second run reuses what is already there unless --force."},
        footer = {"", "Examples:", "  bin/asynclm quickstart", "  bin/asynclm quickstart --fast --out runs/qs"})
final class QuickstartCommand implements Callable<Integer> {
    /** The paper's measured time to first token of GPT-4o, charged to every new request in the cloud deployment. */
    static final double PAPER_TTFT_MS = 310;

    @Spec
    CommandSpec spec;

    @Option(names = "--out", defaultValue = "runs/quickstart", paramLabel = "DIR",
            description = "Where everything is written (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--fast", description = "Fewer scenarios, for CI.")
    boolean fast;

    @Option(names = "--force", description = "Redo every stage even if its output exists.")
    boolean force;

    @Option(names = "--seed", defaultValue = "0", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--bfcl-dir", paramLabel = "DIR",
            description = "Also run the latency experiment on BFCL's parallel and multi-step-parallel tasks.")
    Path bfclDir;

    @Override
    public Integer call() throws IOException, BadInputException {
        PrintWriter o = spec.commandLine().getOut();
        Path latencyDir = out.resolve("latency");
        Path report = latencyDir.resolve("report.json");
        if (!force && Files.exists(report) && (bfclDir == null || Files.readString(report).contains("\"multi-step-parallel\""))) {
            o.println("latency: reusing " + report + " (--force to redo)");
            o.print(reusedSummary(report));
        } else {
            int n = fast ? 50 : 200;
            List<Method> methods = List.of(Method.SYNC, Method.SYNC_PARALLEL, Method.ASYNC_NAIVE, Method.ASYNC);
            CostModel local = new CostModel(CostModel.msToNanos(5), CostModel.msToNanos(0.05),
                    CostModel.Deployment.LOCAL, 0, 0);
            CostModel cloud = new CostModel(CostModel.msToNanos(5), 0, CostModel.Deployment.CLOUD,
                    CostModel.msToNanos(PAPER_TTFT_MS), 0);
            List<LatencyReport.Entry> entries = new ArrayList<>();
            List<String> datasets = new ArrayList<>(List.of("synthetic-parallel", "synthetic-multi-step-parallel"));
            if (bfclDir != null) {
                datasets.addAll(List.of("parallel", "multi-step-parallel"));
            }
            for (String d : datasets) {
                List<Scenario> scenarios = EvalCommand.scenarios(d, bfclDir, n, seed,
                        LatencyDistribution.PAPER_EVAL_TOOLS, null);
                for (CostModel cost : List.of(local, cloud)) {
                    entries.add(EvalCommand.run(d, scenarios, new ByteTokenizer(), "byte", seed, cost,
                            LatencyDistribution.PAPER_EVAL_TOOLS, "lpt",
                            methods));
                }
            }
            EvalCommand.write(latencyDir, entries);
            o.print(EvalCommand.summary(entries));
        }
        Path index = out.resolve("index.html");
        LatencyReportIndex.write(index, latencyDir);
        o.println();
        o.println("report: " + index.toAbsolutePath());
        return 0;
    }

    private static String reusedSummary(Path report) throws IOException {
        JsonNode root = Json.MAPPER.readTree(report.toFile());
        Table t = new Table("dataset", "deployment", "method", "mean ms", "speedup", "paper");
        for (JsonNode x : root.get("experiments")) {
            x.get("methods").fields().forEachRemaining(m -> t.row(x.get("dataset").asText(),
                    x.at("/settings/deployment").asText(), m.getKey(), m.getValue().get("mean_ms").asDouble(),
                    String.format("%.2fx", m.getValue().get("speedup_vs_sync").asDouble()),
                    m.getValue().has("paper_speedup_vs_sync") ? m.getValue().get("paper_speedup_vs_sync").asText() + "x" : ""));
        }
        return t.render();
    }
}
