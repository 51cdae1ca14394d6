package org.asynclm.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.asynclm.datagen.config.Range;
import org.asynclm.datagen.synthetic.SyntheticGenerator;
import org.asynclm.runtime.BadInputException;
import org.asynclm.runtime.CostModel;
import org.asynclm.runtime.EndState;
import org.asynclm.runtime.Method;
import org.asynclm.runtime.Outcome;
import org.asynclm.runtime.scenario.LatencyDistribution;
import org.asynclm.runtime.scenario.Scenario;
import org.asynclm.runtime.scenario.ScenarioCall;
import org.asynclm.runtime.scenario.ScenarioJson;
import org.asynclm.runtime.sim.Bounds;
import org.asynclm.runtime.sim.Simulator;
import org.asynclm.runtime.teacher.PolicyName;
import org.asynclm.runtime.timeline.ChromeTrace;
import org.asynclm.runtime.timeline.TimelineRecorder;
import org.asynclm.runtime.tokens.ByteTokenizer;
import org.asynclm.runtime.tokens.Tokenizer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = {"Runs one task under Sync, Sync-Parallel, Async-Naive and Async with the teacher engine (a "
                + "perfect model) and simulated tools on a virtual clock, and compares their latency.",
                "Times run from the first generated token: makespan to the last generated token, last result to "
                        + "the last tool completion."},
        footer = {"", "Examples:",
                "  bin/asynclm simulate --synthetic parallel --calls 6 --seed 1 --tpot-ms 5",
                "  bin/asynclm simulate --synthetic chains --chains 3 --length 4 --seed 2 \\",
                "      --tpot-ms 5 --timeline runs/chains.json --json",
                "  bin/asynclm simulate --scenario my-task.json --methods sync,async",
                "  bin/asynclm simulate --synthetic parallel --calls 3 --engine llama --model runs/tiny-model \\",
                "      --timeline runs/llama.json"})
final class SimulateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--synthetic", paramLabel = "KIND",
                description = "A generated task: 'parallel' (independent calls) or 'chains' (each call copies a "
                        + "value out of the previous result).")
        String synthetic;

        @Option(names = "--scenario", paramLabel = "FILE", description = "A task from a scenario JSON file.")
        Path scenario;
    }

    @Option(names = "--calls", paramLabel = "N", defaultValue = "5", description = "Calls of a parallel task (default: ${DEFAULT-VALUE}).")
    int calls;

    @Option(names = "--chains", paramLabel = "K", defaultValue = "3", description = "Chains of a chains task (default: ${DEFAULT-VALUE}).")
    int chains;

    @Option(names = "--length", paramLabel = "L", defaultValue = "3", description = "Calls per chain (default: ${DEFAULT-VALUE}).")
    int length;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seed of the generated task (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    LatencyOptions timing;

    @Option(names = "--max-tokens", paramLabel = "N",
            description = "Generation limit (default: 100000 for the teacher, 256 for a model).")
    Integer maxTokens;

    @Option(names = "--engine", defaultValue = "teacher", paramLabel = "E",
            description = "teacher (a perfect policy on a virtual clock), llama (--model on the wall clock, real "
                    + "tool threads sleeping the tools' times) or openai (the same with a model behind --base-url; "
                    + "async runs as Async-Naive there) (default: ${DEFAULT-VALUE}).")
    EngineKind engine;

    @Option(names = "--model", paramLabel = "DIR|NAME",
            description = "Checkpoint for --engine llama; the served model's name for --engine openai.")
    Path model;

    @Mixin
    ServedModelOptions served;

    @Option(names = "--adapter", paramLabel = "DIR", description = ModelCommand.ADAPTER_HELP)
    Path adapter;

    @Option(names = "--temperature", defaultValue = "0", description = "Sampling temperature for --engine llama (default: greedy).")
    double temperature;

    @Option(names = "--top-p", defaultValue = "1", description = "Nucleus for --engine llama (default: ${DEFAULT-VALUE}).")
    double topP;

    @Option(names = "--calibration", paramLabel = "FILE",
            description = "Trap-handler costs from 'bench model --write-calibration' for --engine llama (default: keep the cache).")
    Path calibration;

    @Option(names = "--timeline", paramLabel = "FILE", description = "Write the runs as Chrome trace-event JSON (open it in Perfetto).")
    Path timeline;

    @Option(names = "--json", description = "Print one JSON object instead of a table.")
    boolean json;

    @Override
    public Integer call() throws BadInputException, IOException {
        List<Method> methodList = timing.methods();
        PolicyName policy = timing.policy();
        Scenario scenario = scenario();
        CostModel cost = timing.cost();
        served.check(adapter);
        if (served.remote()) {
            methodList = ServedModel.overHttp(methodList);
        }
        if ((engine == EngineKind.OPENAI) != served.remote() || (served.remote() && model == null)) {
            throw new BadInputException("--engine openai goes with --base-url URL --model NAME --tokenizer FILE");
        }
        boolean llama = engine != EngineKind.TEACHER;
        if (llama && model == null) {
            throw new BadInputException("--engine llama needs --model DIR");
        }
        if (maxTokens != null && maxTokens < 1) {
            throw new BadInputException("--max-tokens: must be at least 1, got " + maxTokens);
        }
        int limit = maxTokens != null ? maxTokens : llama ? 256 : 100_000;
        Simulator sim = new Simulator(new ByteTokenizer(), cost, policy, seed, limit);
        Bounds bounds = sim.bounds(scenario);
        Map<Method, Outcome> outcomes = new LinkedHashMap<>();
        Map<String, TimelineRecorder> traces = new LinkedHashMap<>();
        if (served.remote()) {
            Tokenizer tok = served.loadTokenizer();
            ModelRuns.Runs runs = ModelRuns.run(tok, () -> served.model(model.toString()).engine(tok, limit,
                    temperature, topP, seed), scenario, methodList, cost, ModelRuns.cacheCosts(calibration), limit);
            outcomes.putAll(runs.outcomes());
            traces.putAll(runs.timelines());
        } else if (llama) {
            ModelRuns.Runs runs = ModelRuns.run(CheckpointOptions.of(model, adapter), scenario, methodList, cost,
                    ModelRuns.cacheCosts(calibration), new ModelRuns.Sampling(limit, temperature, topP, seed));
            outcomes.putAll(runs.outcomes());
            traces.putAll(runs.timelines());
        } else {
            for (Method m : methodList) {
                TimelineRecorder rec = new TimelineRecorder();
                outcomes.put(m, sim.run(scenario, m, rec));
                traces.put(m.id(), rec);
            }
        }
        if (timeline != null) {
            ChromeTrace.write(timeline, traces);
        }
        if (json) {
            spec.commandLine().getOut().println(Json.pretty(toJson(scenario, bounds, outcomes)));
        } else {
            spec.commandLine().getOut().print(table(scenario, bounds, outcomes));
            if (timeline != null) {
                spec.commandLine().getOut().println("timeline: " + timeline + " (open in https://ui.perfetto.dev)");
            }
        }
        List<String> unfinished = outcomes.values().stream().filter(o -> !finished(o))
                .map(o -> o.method().id() + " (" + o.endState().name().toLowerCase() + ")").toList();
        if (!unfinished.isEmpty()) {
            spec.commandLine().getErr().println("asynclm: simulate: " + String.join(", ", unfinished)
                    + " did not finish the task; those rows are marked invalid (raise --max-tokens?)");
            return 1;
        }
        return 0;
    }

    /** A run whose figures mean something: it ended its turn with every call answered. */
    private static boolean finished(Outcome o) {
        return o.endState() == EndState.DONE && o.errors().isEmpty();
    }

    /** 1,000 parallel calls take about 24,000 tokens of CML and 1.6 s to simulate (measured). */
    private static final int MAX_CALLS = 1000;

    private Scenario scenario() throws BadInputException {
        if (source.scenario != null) {
            return ScenarioJson.read(source.scenario);
        }
        LatencyDistribution latency = timing.latency();
        if (!source.synthetic.equals("parallel") && !source.synthetic.equals("chains")) {
            throw new BadInputException("--synthetic: unknown kind '" + source.synthetic
                    + "' (expected parallel or chains)");
        }
        if (calls < 1 || chains < 1 || length < 1) {
            throw new BadInputException("--calls, --chains and --length must be at least 1");
        }
        if (calls > MAX_CALLS || (long) chains * length > MAX_CALLS) {
            throw new BadInputException("--calls, or --chains times --length: at most " + MAX_CALLS
                    + " calls (a larger task does not fit a turn of the default 100,000 tokens)");
        }
        // The task comes from datagen's generator; the tool latencies double as the estimates (cheat sheet).
        SyntheticGenerator g = new SyntheticGenerator(SyntheticGenerator.shapes(new Range(calls, calls),
                new Range(chains, chains), new Range(length, length)), latency::sampleMs, new Range(1, 1));
        return g.generate(source.synthetic, source.synthetic + "-seed" + seed, new SplittableRandom(seed));
    }

    static ObjectNode toJson(Scenario scenario, Bounds bounds, Map<Method, Outcome> outcomes) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ObjectNode sc = root.putObject("scenario");
        sc.put("name", scenario.name());
        ArrayNode calls = sc.putArray("calls");
        for (ScenarioCall c : scenario.calls()) {
            ObjectNode n = calls.addObject();
            n.put("id", c.id());
            n.put("function", c.function());
            ArrayNode deps = n.putArray("deps");
            c.deps().forEach(deps::add);
            n.put("decode_ms", Json.ms(bounds.decode(c)));
            n.put("exec_ms", Json.ms(c.execNanos()));
        }
        ObjectNode results = root.putObject("results");
        for (Map.Entry<Method, Outcome> e : outcomes.entrySet()) {
            Outcome o = e.getValue();
            ObjectNode r = results.putObject(e.getKey().id());
            r.put("makespan_ms", Json.ms(o.makespanNanos()));
            r.put("last_result_ms", Json.ms(o.lastResultNanos()));
            r.put("decode_ms", Json.ms(o.decodeNanos()));
            r.put("idle_ms", Json.ms(o.idleNanos()));
            r.put("prefill_tokens", o.prefillTokens());
            r.put("interrupts", o.interrupts());
            r.put("traps", o.traps());
            r.put("generated_tokens", o.generatedTokens());
            r.put("end_state", o.endState().name().toLowerCase());
            r.put("valid", finished(o));
            ArrayNode errors = r.putArray("errors");
            o.errors().forEach(errors::add);
        }
        root.put("lower_bound_ms", Json.ms(bounds.lowerBound()));
        if (scenario.independent()) {
            ObjectNode cf = root.putObject("closed_form_ms");
            cf.put("sync", Json.ms(bounds.closedFormSync()));
            cf.put("sync-parallel", Json.ms(bounds.closedFormSyncParallel()));
            cf.put("async", Json.ms(bounds.closedFormAsyncLpt()));
        }
        return root;
    }

    private static String table(Scenario scenario, Bounds bounds, Map<Method, Outcome> outcomes) {
        Outcome sync = outcomes.get(Method.SYNC);
        Table t = new Table("method", "makespan ms", "last result ms", "decode ms", "idle ms", "prefill tok",
                "interrupts", "traps", "speedup vs sync", "x lower bound");
        for (Map.Entry<Method, Outcome> e : outcomes.entrySet()) {
            Outcome o = e.getValue();
            boolean valid = finished(o) && (sync == null || finished(sync));
            t.row(e.getKey().id(), Json.ms(o.makespanNanos()), Json.ms(o.lastResultNanos()),
                    Json.ms(o.decodeNanos()), Json.ms(o.idleNanos()), o.prefillTokens(), o.interrupts(), o.traps(),
                    sync == null ? "-" : valid ? String.format("%.2fx", (double) sync.makespanNanos()
                            / o.makespanNanos()) : "invalid",
                    finished(o) ? String.format("%.2f", (double) o.makespanNanos() / bounds.lowerBound())
                            : "invalid");
        }
        StringBuilder sb = new StringBuilder();
        sb.append(scenario.name()).append(": ").append(scenario.calls().size()).append(" calls, lower bound ")
                .append(String.format("%.2f", Json.ms(bounds.lowerBound()))).append(" ms\n\n");
        sb.append(t.render());
        outcomes.values().stream().filter(o -> !o.errors().isEmpty())
                .forEach(o -> sb.append(o.method().id()).append(" errors: ").append(o.errors()).append('\n'));
        return sb.toString();
    }
}
