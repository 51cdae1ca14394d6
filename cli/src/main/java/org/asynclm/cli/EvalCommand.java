package org.asynclm.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.asynclm.datagen.LatencyDataset;
import org.asynclm.eval.latency.LatencyExperiment;
import org.asynclm.eval.latency.MethodStats;
import org.asynclm.eval.latency.PaperFigures;
import org.asynclm.eval.report.LatencyReport;
import org.asynclm.model.llama.Llama;
import org.asynclm.runtime.BadInputException;
import org.asynclm.runtime.CostModel;
import org.asynclm.runtime.Method;
import org.asynclm.runtime.files.AtomicFiles;
import org.asynclm.runtime.remote.OpenAiServer;
import org.asynclm.runtime.scenario.LatencyDistribution;
import org.asynclm.runtime.scenario.Scenario;
import org.asynclm.runtime.sim.Simulator;
import org.asynclm.runtime.stop.StopSignals;
import org.asynclm.runtime.teacher.PolicyName;
import org.asynclm.runtime.timeline.ChromeTrace;
import org.asynclm.runtime.timeline.TimelineRecorder;
import org.asynclm.runtime.tokens.ByteTokenizer;
import org.asynclm.runtime.tokens.HfTokenizer;
import org.asynclm.runtime.tokens.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "eval", mixinStandardHelpOptions = true, description = "Evaluations.",
        subcommands = {EvalCommand.Latency.class, EvalBfclCommand.class, EvalSyntheticCommand.class},
        footer = {"", "Example:", "  bin/asynclm eval latency --dataset synthetic-multi-step-parallel --out runs/latency"})
final class EvalCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "latency", mixinStandardHelpOptions = true,
            description = {"The paper's latency experiment: every scenario under Sync, Sync-Parallel, Async-Naive and "
                    + "Async with the teacher engine on a virtual clock. Writes report.json, report.html (bar chart "
                    + "with p10/p90, comparison with the paper, Gantt chart of the median scenario) and "
                    + "timeline.json (Perfetto)."},
            footer = {"", "Examples:",
                    "  bin/asynclm eval latency --dataset synthetic-parallel --n 200 --tpot-ms 5 --out runs/par",
                    "  bin/asynclm eval latency --dataset synthetic-multi-step-parallel --deployment cloud \\",
                    "      --ttft-ms 310 --out runs/msp-cloud",
                    "  bin/asynclm eval latency --bfcl-dir testdata/bfcl --dataset multi-step-parallel \\",
                    "      --user-interrupts 0,200,400 --out runs/msp-user"})
    static final class Latency implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--dataset", required = true, paramLabel = "D",
                description = "synthetic-parallel or synthetic-multi-step-parallel; with --bfcl-dir also parallel, "
                        + "parallel_multiple, live_parallel, live_parallel_multiple or multi-step-parallel (three "
                        + "first rounds of multi_turn_base from the eval split).")
        LatencyDataset dataset;

        @Option(names = "--bfcl-dir", paramLabel = "DIR", description = "BFCL v4 data directory, for the BFCL datasets.")
        Path bfclDir;

        @Option(names = "--user-interrupts", paramLabel = "MS,MS,MS", split = ",",
                description = "multi-step-parallel only: deliver its three requests as user interrupts at these "
                        + "times (ms after the first token), as in the paper's Fig. 8.")
        List<Double> userInterrupts;

        @Option(names = "--n", defaultValue = "200", description = "Scenarios (default: ${DEFAULT-VALUE}).")
        int n;

        @Option(names = "--engine", defaultValue = "teacher",
                description = "Model driving the runtime: 'teacher' (the perfect policy), 'llama' (--model, greedy, its "
                        + "decoding charged at --tpot-ms) or 'openai' (a server at --base-url serving --model, greedy; "
                        + "async runs as async-naive) (default: ${DEFAULT-VALUE}).")
        EngineKind engine;

        @Option(names = "--model", paramLabel = "DIR|NAME",
                description = "Checkpoint for --engine llama; the served model's name for --engine openai.")
        Path model;

        @Option(names = "--base-url", paramLabel = "URL", description = "For --engine openai: the server's API root, "
                + "e.g. http://127.0.0.1:8000/v1. The API key, if any, is read from $" + OpenAiServer.API_KEY_VARIABLE
                + ".")
        URI baseUrl;

        @Option(names = "--adapter", paramLabel = "DIR", description = ModelCommand.ADAPTER_HELP)
        Path adapter;

        @Option(names = "--tokenizer", paramLabel = "FILE",
                description = "A tokenizer.json to count the teacher's tokens with, for example Llama 3's (default: "
                        + "byte-level, the tiny model's). --engine llama uses its model's.")
        Path tokenizer;

        @Option(names = "--max-tokens", defaultValue = "256", description = "Generation limit for --engine llama (default: ${DEFAULT-VALUE}).")
        int maxTokens;

        @Option(names = "--seed", defaultValue = "0", description = "Seed of the scenario set (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
        Path out;

        @Mixin
        LatencyOptions timing;

        @Override
        public Integer call() throws BadInputException, IOException {
            if (engine == EngineKind.LLAMA && model == null) {
                throw new BadInputException("--engine llama needs --model DIR");
            }
            if (engine == EngineKind.OPENAI && (baseUrl == null || model == null)) {
                throw new BadInputException("--engine openai needs --base-url URL and --model NAME");
            }
            if (engine != EngineKind.OPENAI && baseUrl != null) {
                throw new BadInputException("--base-url is for --engine openai");
            }
            if (engine == EngineKind.LLAMA && tokenizer != null) {
                throw new BadInputException("--tokenizer is for the teacher engine; --engine llama counts with its model's");
            }
            if (n < 1) {
                throw new BadInputException("--n must be at least 1");
            }
            AtomicFiles.checkDirectoryTarget(out);
            LatencyDistribution latency = timing.latency();
            List<Scenario> scenarios = scenarios(dataset, bfclDir, n, seed, latency, userInterrupts);
            LatencyReport.Entry entry;
            if (engine == EngineKind.LLAMA) {
                try (StopSignals.Scope stoppable = StopSignals.cooperate();
                     Llama llama = ModelCommand.load(model, adapter)) {
                    Simulator sim = new Simulator(ModelCommand.tokenizer(model), timing.cost(), timing.policy(), seed,
                            maxTokens, (s, m, clock, b) -> ModelCommand.engineUnchecked(llama));
                    entry = run(dataset.id() + " (llama)", scenarios, sim, model.resolve("tokenizer.json").toString(),
                            timing.cost(), latency, timing.policy(), seed, timing.methods());
                }
            } else if (engine == EngineKind.OPENAI) {
                entry = remote(scenarios, latency);
            } else {
                Tokenizer counting = tokenizer == null ? new ByteTokenizer() : HfTokenizer.load(tokenizer);
                entry = run(dataset.id(), scenarios, counting, tokenizer == null ? "byte" : tokenizer.toString(), seed,
                        timing.cost(), latency, timing.policy(), timing.methods());
            }
            write(out, List.of(entry));
            PrintWriter o = spec.commandLine().getOut();
            o.print(summary(List.of(entry)));
            if (entry.server() != null) {
                o.println(entry.server().describe());
            }
            o.println("report: " + out.resolve("report.html"));
            return 0;
        }

        /**
         * The experiment with a model behind an OpenAI-compatible server, on the virtual clock as for a local model
         * (each token charged at the TPOT), the requests' own times measured on the wall clock beside it. A server's
         * cache cannot be appended to, so async runs as async-naive.
         */
        private LatencyReport.Entry remote(List<Scenario> scenarios, LatencyDistribution latency)
                throws BadInputException {
            Tokenizer tok = tokenizer == null ? new ByteTokenizer() : HfTokenizer.load(tokenizer);
            ServedModel served = new ServedModel(baseUrl, model.toString());
            Simulator sim = new Simulator(tok, timing.cost(), timing.policy(), seed, maxTokens,
                    (s, m, clock, b) -> served.engine(tok, maxTokens, 0, 1, seed));
            LatencyReport.Entry entry = run(dataset.id() + " (openai)", scenarios, sim,
                    tokenizer == null ? "byte" : tokenizer.toString(), timing.cost(), latency, timing.policy(), seed,
                    ServedModel.overHttp(timing.methods()));
            return new LatencyReport.Entry(entry.result(), entry.medianTimelines(), served.requests());
        }
    }

    /** The scenario set a dataset stands for; {@code userInterrupts}: three times in ms, or null. */
    static List<Scenario> scenarios(LatencyDataset dataset, Path bfclDir, int n, long seed,
                                    LatencyDistribution latency, List<Double> userInterrupts) throws BadInputException {
        long[] arrivals = null;
        if (userInterrupts != null) {
            if (userInterrupts.size() != 3 || userInterrupts.stream().anyMatch(t -> !(t >= 0))) {
                throw new BadInputException("--user-interrupts: give three times in ms, e.g. 0,200,400");
            }
            arrivals = userInterrupts.stream().mapToLong(CostModel::msToNanos).toArray();
        }
        return dataset.scenarios(bfclDir, n, seed, latency, arrivals);
    }

    /** With the teacher engine; {@code tokenizerName} goes into the report ("byte" or the tokenizer.json). */
    static LatencyReport.Entry run(String dataset, List<Scenario> scenarios, Tokenizer tokenizer, String tokenizerName,
                                   long seed, CostModel cost, LatencyDistribution latency, PolicyName policy,
                                   List<Method> methods) {
        return run(dataset, scenarios, new Simulator(tokenizer, cost, policy, seed, 100_000), tokenizerName, cost,
                latency, policy, seed, methods);
    }

    static LatencyReport.Entry run(String dataset, List<Scenario> scenarios, Simulator sim, String tokenizerName,
                                   CostModel cost, LatencyDistribution latency, PolicyName policy, long seed,
                                   List<Method> methods) {
        LatencyExperiment.Result result;
        try (Progress p = new Progress(dataset, scenarios.size())) {
            result = LatencyExperiment.run(dataset, scenarios, sim, cost, policy, seed, latency.toString(),
                    tokenizerName, methods, p);
        }
        Map<Method, TimelineRecorder> timelines =
                LatencyExperiment.timelines(result.medianScenario().scenario(), sim, methods);
        return new LatencyReport.Entry(result, timelines);
    }

    static void write(Path dir, List<LatencyReport.Entry> entries) throws IOException {
        LatencyReport.writeJson(dir.resolve("report.json"), entries);
        LatencyReport.writeHtml(dir.resolve("report.html"), entries);
        Map<String, TimelineRecorder> runs = new LinkedHashMap<>();
        for (LatencyReport.Entry e : entries) {
            String prefix = entries.size() == 1 ? "" : e.result().dataset() + " "
                    + e.result().cost().deployment().name().toLowerCase(Locale.ROOT) + " ";
            e.medianTimelines().forEach((m, rec) -> runs.put(prefix + m.id(), rec));
        }
        ChromeTrace.write(dir.resolve("timeline.json"), runs);
    }

    static String summary(List<LatencyReport.Entry> entries) {
        Table t = new Table("dataset", "deployment", "method", "mean ms", "p10", "p90", "speedup", "paper", "x lower bound",
                "accuracy");
        for (LatencyReport.Entry e : entries) {
            LatencyExperiment.Result r = e.result();
            Map<Method, Double> paper = PaperFigures.speedups(r.dataset());
            for (MethodStats s : r.stats()) {
                t.row(r.dataset(), r.cost().deployment().name().toLowerCase(Locale.ROOT), s.method().id(),
                        s.meanMs(), s.p10Ms(), s.p90Ms(), String.format(Locale.ROOT, "%.2fx", s.speedupVsSync()),
                        paper.containsKey(s.method()) ? paper.get(s.method()) + "x" : "",
                        String.format(Locale.ROOT, "%.2f", s.ratioToLowerBound()),
                        String.format(Locale.ROOT, "%.2f", s.accuracy()));
            }
        }
        return t.render();
    }
}
