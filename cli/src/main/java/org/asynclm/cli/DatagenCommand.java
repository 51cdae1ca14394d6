package org.asynclm.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.asynclm.datagen.Datagen;
import org.asynclm.datagen.Sources;
import org.asynclm.datagen.config.ConfigLoader;
import org.asynclm.datagen.config.DatagenConfig;
import org.asynclm.datagen.trace.TraceGenerator;
import org.asynclm.datagen.trace.TraceValidator;
import org.asynclm.runtime.BadInputException;
import org.asynclm.runtime.config.ConfigOverride;
import org.asynclm.runtime.stop.StopSignals;
import org.asynclm.runtime.tokens.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "datagen", mixinStandardHelpOptions = true,
        description = {"Generates training traces: tasks as DAGs of calls (synthetic or from BFCL) run by the "
                + "teacher engine through the async runtime on a virtual clock, written as JSON Lines.",
                "Settings come from the built-in defaults (--print-defaults), then --config, then --set, then the "
                        + "dedicated options."},
        subcommands = {DatagenCommand.Validate.class},
        footer = {"", "Examples:",
                "  bin/asynclm datagen --config configs/datagen/synthetic.yaml --out runs/synthetic.jsonl --n 1000",
                "  bin/asynclm datagen --config configs/datagen/bfcl-multi-step-parallel.yaml \\",
                "      --bfcl-dir ../shared/bfcl --format axolotl --out runs/msp-axolotl.jsonl",
                "  bin/asynclm datagen validate runs/synthetic.jsonl"})
final class DatagenCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "A YAML config (see configs/datagen/).")
    Path config;

    @Option(names = "--out", paramLabel = "FILE", description = "The JSONL file to write.")
    Path out;

    @Option(names = "--n", paramLabel = "N", description = "Traces to write (config key n).")
    Integer n;

    @Option(names = "--seed", paramLabel = "S", description = "Seed (config key seed).")
    Long seed;

    @Option(names = "--format", paramLabel = "F", description = "native, trl or axolotl (config key format).")
    String format;

    @Option(names = "--bfcl-dir", paramLabel = "DIR", description = "BFCL v4 data directory (config key bfcl.dir).")
    Path bfclDir;

    @Option(names = "--tokenizer", paramLabel = "T",
            description = "byte, or a tokenizer.json whose token counts time the traces (config key tokenizer).")
    String tokenizer;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "ConfigOverride a config key, e.g. --set synthetic.chains=[1,3].")
    List<String> sets = new ArrayList<>();

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: the number of cores).")
    Integer threads;

    @Option(names = "--print-defaults", description = "Print every config key with its default and exit.")
    boolean printDefaults;

    @Override
    public Integer call() throws BadInputException, IOException {
        PrintWriter o = spec.commandLine().getOut();
        if (printDefaults) {
            try (InputStream in = ConfigLoader.class.getResourceAsStream("/org/asynclm/datagen/defaults.yaml")) {
                o.print(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            return 0;
        }
        if (out == null) {
            throw new BadInputException("datagen: --out FILE is required");
        }
        if (threads != null && threads < 1) {
            throw new BadInputException("--threads: must be at least 1, got " + threads);
        }
        DatagenConfig c = load(config, sets, n, seed, format, bfclDir, tokenizer);
        TraceGenerator generator = new TraceGenerator(c, tokenizer(c), c.tokenizer().name(), Sources.create(c));
        Datagen.Summary s;
        try (StopSignals.Scope stoppable = StopSignals.cooperate(); Progress p = new Progress("datagen", c.n())) {
            s = Datagen.write(generator, c.n(), c.format(), out, threads == null ? cores() : threads, p);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
        List<Datagen.Sidecar> sidecars = Datagen.writeSidecars(out, c, s);
        o.print(new Table("traces", "assistant tokens", "prompt tokens", "mean makespan ms", "mean sync ms",
                "async speedup", "mean lower bound ms")
                .row(s.traces(), s.assistantTokens(), s.promptTokens(), s.meanMakespanMs(), s.meanSyncMakespanMs(),
                        String.format(Locale.ROOT, "%.2fx", s.speedupOverSync()), s.meanLowerBoundMs())
                .render());
        o.println("shapes: " + s.shapes());
        o.println("wrote " + out + " (" + c.format().id() + ")");
        sidecars.forEach(f -> o.println("beside it: " + f.file() + " (" + f.what() + ")"));
        return 0;
    }

    /** The config: its file, then --set, then the shortcut options (typed, so they win and name themselves). */
    static DatagenConfig load(Path config, List<String> sets, Integer n, Long seed, String format, Path bfclDir,
                              String tokenizer) throws BadInputException {
        List<ConfigOverride> overrides = new ArrayList<>(sets.stream().map(ConfigOverride::set).toList());
        if (n != null) {
            overrides.add(ConfigOverride.of("--n", "n", n));
        }
        if (seed != null) {
            overrides.add(ConfigOverride.of("--seed", "seed", seed));
        }
        if (format != null) {
            overrides.add(ConfigOverride.of("--format", "format", format));
        }
        if (bfclDir != null) {
            overrides.add(ConfigOverride.of("--bfcl-dir", "bfcl.dir", bfclDir));
        }
        if (tokenizer != null) {
            overrides.add(ConfigOverride.of("--tokenizer", "tokenizer", tokenizer));
        }
        return ConfigLoader.loadWith(config, overrides);
    }

    static Tokenizer tokenizer(DatagenConfig c) throws BadInputException {
        return c.tokenizer().load();
    }

    static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }

    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = "Checks native traces: CML parses, no interrupt inside a block, calls follow their "
                    + "dependencies, one interrupt per call id, and the makespan replays. Exit 0 only when all hold.",
            footer = {"", "Example:", "  bin/asynclm datagen validate runs/synthetic.jsonl"})
    static final class Validate implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "A native trace file.")
        Path file;

        @Override
        public Integer call() throws BadInputException {
            TraceValidator.Report r = TraceValidator.validate(file);
            PrintWriter o = spec.commandLine().getOut();
            Table t = new Table("check", "failures");
            r.failures().forEach((k, v) -> t.row(k, v));
            o.println(file + ": " + r.valid() + " of " + r.traces() + " traces valid");
            if (!r.failures().isEmpty()) {
                o.print(t.render());
                r.examples().forEach(o::println);
            }
            return r.ok() ? 0 : 1;
        }
    }
}
