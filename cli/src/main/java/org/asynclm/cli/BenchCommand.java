package org.asynclm.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.asynclm.datagen.DatagenBenchmark;
import org.asynclm.datagen.Sources;
import org.asynclm.datagen.config.DatagenConfig;
import org.asynclm.datagen.trace.TraceGenerator;
import org.asynclm.model.llama.Llama;
import org.asynclm.model.llama.ModelBenchmark;
import org.asynclm.runtime.BadInputException;
import org.asynclm.runtime.bench.RuntimeBenchmark;
import org.asynclm.training.bench.ShapeBenchmark;
import org.asynclm.training.bench.TrainBenchmark;
import org.asynclm.training.config.TrainConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks.",
        subcommands = {BenchCommand.Runtime.class, BenchCommand.Datagen.class, BenchCommand.Model.class,
                BenchCommand.Train.class},
        footer = {"", "Example:", "  bin/asynclm bench runtime --json"})
final class BenchCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "datagen", mixinStandardHelpOptions = true,
            description = "Datagen throughput: traces and assistant tokens per second for a whole run written to a "
                    + "scratch file (target: 20,000 synthetic traces/s on 2 cores).",
            footer = {"", "Example:", "  bin/asynclm bench datagen --json"})
    static final class Datagen implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--config", paramLabel = "FILE", description = "A datagen config (default: the built-in synthetic defaults).")
        Path config;

        @Option(names = "--n", defaultValue = "20000", description = "Traces per round (default: ${DEFAULT-VALUE}).")
        int n;

        @Option(names = "--rounds", defaultValue = "8",
                description = "Rounds; the first half warm up, the median of the rest is reported (default: ${DEFAULT-VALUE}).")
        int rounds;

        @Option(names = "--threads", description = "Worker threads (default: the number of cores).")
        Integer threads;

        @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a config key.")
        List<String> sets = new ArrayList<>();

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            DatagenConfig c = DatagenCommand.load(config, sets, n, null, null, null, null);
            TraceGenerator g = new TraceGenerator(c,
                    DatagenCommand.tokenizer(c), c.tokenizer().name(), Sources.create(c));
            DatagenBenchmark.Result r = DatagenBenchmark.run(g, n, c.format(),
                    threads == null ? DatagenCommand.cores() : threads, Math.max(1, rounds));
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            o.put("traces_per_s", Math.round(r.tracesPerSecond()));
            o.put("tokens_per_s", Math.round(r.tokensPerSecond()));
            o.put("traces", r.traces());
            o.put("seconds", r.seconds());
            o.put("rounds", Math.max(1, rounds));
            spec.commandLine().getOut().println(json ? Json.pretty(o)
                    : String.format("%,d traces/s, %,d assistant tokens/s", Math.round(r.tracesPerSecond()),
                    Math.round(r.tokensPerSecond())));
            return 0;
        }
    }

    @Command(name = "model", mixinStandardHelpOptions = true,
            description = "A checkpoint's speed on this machine: prefill tokens/s, decode ms/token at context 64 and "
                    + "1024 (with the KV cache; target within 2x of each other), swap us/token, and the recompute cost "
                    + "fitted as a*n^2 + b*n; --write-calibration saves the trap handler's costs.",
            footer = {"", "Example:", "  bin/asynclm bench model --model runs/tiny-model --json --write-calibration runs/cal.json"})
    static final class Model implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--model", required = true, paramLabel = "DIR", description = "A checkpoint directory.")
        Path model;

        @Option(names = "--repeats", defaultValue = "5", description = "Runs per measurement (default: ${DEFAULT-VALUE}).")
        int repeats;

        @Option(names = "--keep-price", defaultValue = "0", paramLabel = "NS",
                description = "Price of holding one cached token for a second, in ns of compute (default: 0, one user).")
        double keepPrice;

        @Option(names = "--write-calibration", paramLabel = "FILE", description = "Write the trap handler's costs as JSON.")
        Path calibration;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            ModelBenchmark.Result r;
            try (Llama llama = ModelCommand.load(model, null)) {
                r = ModelBenchmark.run(llama, Math.max(1, repeats));
            }
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            o.put("prefill_tokens_per_s", Math.round(r.prefillTokensPerSecond()));
            o.put("decode_ms_per_token_ctx64", r.decodeMsAt64());
            o.put("decode_ms_per_token_ctx1024", r.decodeMsAt1024());
            o.put("swap_us_per_token", r.swapMicrosPerToken());
            o.put("recompute_ns_quadratic", r.recomputeQuadraticNanos());
            o.put("recompute_ns_linear", r.recomputeLinearNanos());
            if (calibration != null) {
                r.calibration(keepPrice).write(calibration);
            }
            spec.commandLine().getOut().println(json ? Json.pretty(o) : new Table("measure", "value")
                    .row("prefill tokens/s", (double) Math.round(r.prefillTokensPerSecond()))
                    .row("decode ms/token, context 64", r.decodeMsAt64())
                    .row("decode ms/token, context 1024", r.decodeMsAt1024())
                    .row("swap us/token", r.swapMicrosPerToken())
                    .render());
            return 0;
        }
    }

    @Command(name = "train", mixinStandardHelpOptions = true,
            description = {"Training speed of a train config on its own data: a few warm-up steps, then the median "
                    + "step time, tokens per second (every token of the packed rows) and the peak resident memory of "
                    + "the process (Java heap and native tensors). Nothing is written but --profile's trace.",
                    "With --shape instead of --config: a released Llama 3.2 configuration with random weights, one "
                    + "row of --tokens random ids, LoRA (--lora-rank, on all seven projections, the CML markers' "
                    + "embedding rows trainable) or full fine-tuning: the memory and speed of fine-tuning that model "
                    + "without its weights.",
                    "Compare with transformers (and PEFT) on the same machine: tools/bench_train_transformers.py."},
            footer = {"", "Examples:", "  bin/asynclm bench train --config configs/train/tiny-cpu.yaml --json",
                "  bin/asynclm bench train --shape llama-3.2-1b --tokens 512 --lora-rank 8 --loss-chunk 512 "
                    + "--gradient-checkpointing --steps 2 --warmup-steps 1"})
    static final class Train implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--config", paramLabel = "FILE", description = "A train config.")
        Path config;

        @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a config key.")
        List<String> sets = new ArrayList<>();

        @Mixin
        ShapeOptions shaped;

        @Option(names = "--steps", defaultValue = "20", description = "Measured steps (default: ${DEFAULT-VALUE}).")
        int steps;

        @Option(names = "--warmup-steps", defaultValue = "3", description = "Unmeasured steps first (default: ${DEFAULT-VALUE}).")
        int warmupSteps;

        @Option(names = "--profile", paramLabel = "FILE",
                description = "With --config: write libtorch's profile of the measured steps, a Chrome trace that "
                        + "Perfetto opens (every op with its time inside libtorch; the gaps are Java and JNI). The "
                        + "profiler slows the steps it records: time them without it.")
        Path profile;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            if ((config == null) == (shaped.shape == null)) {
                throw new BadInputException("give --config FILE (a train config on its data) or --shape NAME "
                        + "(a Llama 3.2 shape with random weights), not " + (config == null ? "neither" : "both"));
            }
            return shaped.shape != null ? shape() : config();
        }

        private int config() throws Exception {
            TrainConfig c = TrainConfig.load(config, sets);
            TrainBenchmark.Result r;
            try (Progress p = new Progress("bench train", warmupSteps + steps)) {
                r = TrainBenchmark.run(c, warmupSteps, steps, profile, p);
            }
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            o.put("config", config.toString());
            o.put("method", c.method().id());
            o.put("steps", steps);
            o.put("rows_per_step", c.gradientAccumulation());
            o.put("mean_tokens_per_step", (double) r.tokens() / steps);
            o.put("mean_row_tokens", r.meanRowTokens());
            o.put("seconds_per_token", r.secondsPerToken());
            o.put("step_seconds_median", r.medianStepSeconds());
            o.put("tokens_per_s", r.tokensPerSecond());
            o.put("peak_rss_mb", PeakMemory.residentMb());
            if (json) {
                spec.commandLine().getOut().println(Json.pretty(o));
            } else {
                Table t = new Table("config", "method", "steps", "tokens/step", "step s (median)", "tokens/s",
                        "peak RSS MB");
                t.row(config, c.method().id(), steps, String.format(Locale.ROOT, "%.0f", (double) r.tokens() / steps),
                        String.format(Locale.ROOT, "%.3f", r.medianStepSeconds()), r.tokensPerSecond(),
                        PeakMemory.residentMb());
                spec.commandLine().getOut().print(t.render());
            }
            return 0;
        }

        private int shape() throws Exception {
            if (!sets.isEmpty()) {
                throw new BadInputException("--set changes a train config's key: it does not go with --shape");
            }
            if (profile != null) {
                throw new BadInputException("--profile goes with --config, not --shape");
            }
            ShapeBenchmark.Options options = shaped.options(warmupSteps, steps);
            String shape = options.shape().id();
            ShapeBenchmark.Result r;
            try (Progress p = new Progress("bench train " + shape, warmupSteps + steps)) {
                r = ShapeBenchmark.run(options, p);
            }
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            o.put("shape", shape);
            o.put("method", shaped.method());
            o.put("tokens", options.tokens());
            o.put("gradient_checkpointing", options.memory().checkpointLayers());
            o.put("loss_chunk", options.memory().lossChunk());
            o.put("base_precision", options.precision().id());
            o.put("device", options.device().name());
            o.put("trained_parameters", r.trainedParameters());
            o.put("steps", steps);
            o.put("step_seconds_median", r.medianStepSeconds());
            o.put("tokens_per_s", r.tokensPerSecond());
            o.put("peak_rss_mb", PeakMemory.residentMb());
            if (json) {
                spec.commandLine().getOut().println(Json.pretty(o));
            } else {
                Table t = new Table("shape", "method", "tokens", "checkpointing", "loss chunk", "trained params",
                        "step s (median)", "tokens/s", "peak RSS MB");
                int chunk = options.memory().lossChunk();
                t.row(shape, shaped.method(), options.tokens(), options.memory().checkpointLayers() ? "on" : "off",
                        chunk == 0 ? "whole row" : chunk,
                        r.trainedParameters(), String.format(Locale.ROOT, "%.2f", r.medianStepSeconds()),
                        r.tokensPerSecond(), PeakMemory.residentMb());
                spec.commandLine().getOut().print(t.render());
            }
            return 0;
        }
    }

    @Command(name = "runtime", mixinStandardHelpOptions = true,
            description = "The runtime's bookkeeping cost per generated token and per interrupt, with a null engine "
                    + "and instant tools (targets: p99 below 2 us per token and 50 us per interrupt).",
            footer = {"", "Example:", "  bin/asynclm bench runtime --json"})
    static final class Runtime implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--calls", defaultValue = "20000", description = "Calls per run (default: ${DEFAULT-VALUE}).")
        int calls;

        @Option(names = "--text-tokens", defaultValue = "64", description = "Free-text tokens between calls (default: ${DEFAULT-VALUE}).")
        int textTokens;

        @Option(names = "--rounds", defaultValue = "5", description = "Runs; all but the last warm up (default: ${DEFAULT-VALUE}).")
        int rounds;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() {
            RuntimeBenchmark.Result r = RuntimeBenchmark.run(calls, textTokens, Math.max(1, rounds));
            ObjectNode n = JsonNodeFactory.instance.objectNode();
            n.put("ns_per_token_p50", r.nsPerTokenP50());
            n.put("ns_per_token_p99", r.nsPerTokenP99());
            n.put("us_per_interrupt_p50", r.usPerInterruptP50());
            n.put("us_per_interrupt_p99", r.usPerInterruptP99());
            n.put("tokens", r.tokens());
            n.put("interrupts", r.interrupts());
            if (json) {
                spec.commandLine().getOut().println(Json.pretty(n));
            } else {
                spec.commandLine().getOut().print(new Table("measure", "p50", "p99")
                        .row("ns per token", r.nsPerTokenP50(), r.nsPerTokenP99())
                        .row("us per interrupt", r.usPerInterruptP50(), r.usPerInterruptP99())
                        .render());
            }
            return 0;
        }
    }
}
