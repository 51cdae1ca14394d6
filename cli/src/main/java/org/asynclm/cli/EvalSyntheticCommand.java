package org.asynclm.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.asynclm.datagen.config.DatagenConfig;
import org.asynclm.eval.learning.LearningMetrics;
import org.asynclm.eval.learning.RunCheck;
import org.asynclm.model.llama.Llama;
import org.asynclm.runtime.ArgumentValues;
import org.asynclm.runtime.BadInputException;
import org.asynclm.runtime.Method;
import org.asynclm.runtime.files.AtomicFiles;
import org.asynclm.runtime.stop.StopSignals;
import org.asynclm.runtime.tokens.Tokenizer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "synthetic", mixinStandardHelpOptions = true,
        description = {"Does the model do the job? Runs it (greedy, constrained decoding) under Async on held-out "
                + "synthetic tasks drawn as datagen draws its traces, tools simulated and its decoding charged at "
                + "each task's TPOT on a virtual clock, and checks every run against the task's ground truth.",
                "Rates: cml_valid (the turn ended cleanly and the runtime refused nothing the model wrote), "
                        + "all_calls_once (each function called as often as the task needs), dependency_ok (calls "
                        + "that match the truth were written after the results they use arrived), scenario_ok (all of "
                        + "it, with every argument right). Makespan ratios are against the teacher's Async and Sync "
                        + "runs of the same task, over the tasks the model got right.",
                "Draw the tasks with another --seed than the training traces' (theirs: the datagen config's seed)."},
        footer = {"", "Examples:", "  bin/asynclm eval synthetic --model runs/train/checkpoint-900 --n 200 --seed 1 --json",
            "  bin/asynclm eval synthetic --model runs/train/checkpoint-900 --n 200 --seed 1 --values copied",
            "  bin/asynclm eval synthetic --base-url http://127.0.0.1:8000/v1 --model checkpoint-900 \\",
            "      --tokenizer runs/train/checkpoint-900/tokenizer.json --n 20"})
final class EvalSyntheticCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CheckpointOptions checkpoint;

    @Mixin
    ServedModelOptions served;

    /** Tokens one request to a server may bring; the turn's own limit stops it sooner. */
    private static final int REQUEST_TOKENS = 2048;

    @Option(names = "--config", paramLabel = "FILE",
            description = "The datagen config the training traces came from (default: configs/datagen/synthetic.yaml "
                    + "when it exists, else datagen's built-in defaults).")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a datagen config key.")
    List<String> sets = new ArrayList<>();

    @Option(names = "--n", defaultValue = "200", description = "Tasks (default: ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the task set (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--max-tokens", paramLabel = "N",
            description = "Generation limit per task (default: twice the teacher's tokens for the task, plus 64).")
    Integer maxTokens;

    @Option(names = "--method", defaultValue = "async", paramLabel = "async|sync", converter = TraceMethod.class,
            description = "How the calls run, for the model and for the teacher it is timed against: async (the "
                    + "model keeps writing, results arrive as interrupts) or sync (generation waits for each call; "
                    + "for a model trained on sync traces). Default: ${DEFAULT-VALUE}.")
    Method method;

    /** The methods a trained model is judged under: the two its traces can teach. */
    static final class TraceMethod implements CommandLine.ITypeConverter<Method> {
        @Override
        public Method convert(String value) {
            Method m = Method.parse(value);
            if (m != Method.ASYNC && m != Method.SYNC) {
                throw new CommandLine.TypeConversionException("expected async or sync, got '" + value + "'");
            }
            return m;
        }
    }

    @Option(names = "--values", defaultValue = "free", paramLabel = "free|copied",
            description = "What decoding asks of the quoted values in the model's calls: free (any text) or copied "
                    + "(each a span of the request or of an interrupt, from word boundary to word boundary: datagen "
                    + "states every value a call needs before it is needed). Default: ${DEFAULT-VALUE}.")
    ArgumentValues values;

    @Option(names = "--out", paramLabel = "FILE",
            description = "Also write the rates and every run (verdicts, errors, transcript) to this JSON file.")
    Path out;

    @Option(names = "--json", description = "Print the rates as one JSON object instead of a table.")
    boolean json;

    @Override
    public Integer call() throws BadInputException, IOException {
        if (n < 1 || (maxTokens != null && maxTokens < 1)) {
            throw new BadInputException("--n and --max-tokens must be at least 1");
        }
        if (out != null) {
            AtomicFiles.checkTarget(out); // before the tasks run, not after
        }
        Path file = config != null ? config : Shipped.find("configs/datagen/synthetic.yaml").orElse(null);
        DatagenConfig c = SyntheticEvaluation.tasks(file, sets, n, seed, method);
        served.check(checkpoint.adapter);
        Tokenizer tokenizer = served.remote() ? served.loadTokenizer() : checkpoint.tokenizer();
        SyntheticEvaluation evaluation;
        try {
            evaluation = new SyntheticEvaluation(c, tokenizer, method, maxTokens, values);
        } catch (BadInputException e) {
            throw new BadInputException((file == null ? "" : file + ": ") + e.getMessage());
        }
        List<RunCheck> runs;
        String name = checkpoint.model.toString();
        if (served.remote()) {
            try (StopSignals.Scope stoppable = StopSignals.cooperate();
                 Progress progress = new Progress("eval synthetic", n)) {
                runs = evaluation.run((s, m, clock, b) -> served.model(name).engine(tokenizer, REQUEST_TOKENS, 0, 1, seed),
                        n, progress::accept);
            }
        } else {
            try (StopSignals.Scope stoppable = StopSignals.cooperate(); Llama llama = checkpoint.load();
                 Progress progress = new Progress("eval synthetic", n)) {
                runs = evaluation.run(llama, n, progress::accept);
            }
        }
        LearningMetrics m = LearningMetrics.of(runs);
        if (out != null) {
            ObjectNode all = toJson(m);
            ObjectNode settings = all.putObject("settings"); // what made these figures
            settings.setAll(served.remote() ? served.provenance(name) : checkpoint.provenance());
            settings.put("datagen_config", file == null ? "built-in defaults" : file.toString());
            settings.put("seed", seed);
            settings.put("method", method.id());
            settings.put("values", values.id());
            settings.put("max_tokens", maxTokens == null ? "twice the teacher's + 64" : maxTokens.toString());
            ArrayNode list = all.putArray("runs");
            runs.forEach(r -> list.add(toJson(r)));
            AtomicFiles.write(out, tmp -> Files.writeString(tmp, Json.pretty(all)));
        }
        PrintWriter o = spec.commandLine().getOut();
        if (json) {
            o.println(Json.pretty(toJson(m)));
        } else {
            o.print(table(m));
            if (served.remote()) {
                o.println(served.model(name).requests().describe());
            }
            if (out != null) {
                o.println("runs: " + out);
            }
        }
        return 0;
    }

    static ObjectNode toJson(LearningMetrics m) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("n", m.n());
        n.put("cml_valid_rate", m.cmlValidRate());
        n.put("all_calls_once_rate", m.allCallsOnceRate());
        n.put("dependency_ok_rate", m.dependencyOkRate());
        n.put("scenario_ok_rate", m.scenarioOkRate());
        n.put("makespan_ratio_vs_teacher", m.makespanRatioVsTeacher());
        n.put("makespan_ratio_vs_sync", m.makespanRatioVsSync());
        n.put("runaway_rate", m.runawayRate());
        return n;
    }

    private static ObjectNode toJson(RunCheck r) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("scenario", r.scenario());
        n.put("cml_valid", r.cmlValid());
        n.put("all_calls_once", r.allCallsOnce());
        n.put("dependency_ok", r.dependenciesOk());
        n.put("ok", r.ok());
        n.put("end_state", r.endState().name().toLowerCase(Locale.ROOT));
        n.put("makespan_ms", Json.ms(r.makespanNanos()));
        n.put("teacher_ms", Json.ms(r.teacherNanos()));
        n.put("sync_ms", Json.ms(r.syncNanos()));
        ArrayNode errors = n.putArray("errors");
        r.errors().forEach(errors::add);
        n.put("transcript", r.transcript());
        return n;
    }

    static String table(LearningMetrics m) {
        return new Table("tasks", "CML valid", "all calls once", "dependencies ok", "task ok", "makespan / teacher",
                "makespan / sync", "runaway").row(m.n(), pct(m.cmlValidRate()), pct(m.allCallsOnceRate()),
                pct(m.dependencyOkRate()), pct(m.scenarioOkRate()), ratio(m.makespanRatioVsTeacher()),
                ratio(m.makespanRatioVsSync()), pct(m.runawayRate())).render();
    }

    private static String pct(double rate) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * rate);
    }

    private static String ratio(Double r) {
        return r == null ? "-" : String.format(Locale.ROOT, "%.3f", r);
    }
}
