package org.asynclm.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.asynclm.runtime.BadInputException;
import org.asynclm.runtime.files.AtomicFiles;
import org.asynclm.training.data.Example;
import org.asynclm.training.data.ExampleFile;
import org.asynclm.training.data.Packing;
import org.asynclm.training.data.TraceExamples;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "train-data", mixinStandardHelpOptions = true,
        description = {"Turns native traces into training examples for a model's tokenizer and reports what a run "
                + "would train on: examples, tokens, the share under the loss (the model's own segments and the "
                + "end-of-turn token; system, user and interrupts are masked), examples dropped or truncated for "
                + "length, and how densely they pack into rows. With --out it writes the examples as Hugging Face's "
                + "trainers take them (JSONL of input_ids, attention_mask and labels, -100 where masked)."},
        footer = {"", "Examples:", "  bin/asynclm train-data --traces runs/traces.jsonl --model runs/tiny-model "
                + "--max-length 4096 --pack 4096",
                "  bin/asynclm train-data --traces runs/traces.jsonl --model runs/tiny-model --out runs/examples.jsonl"})
final class TrainDataCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--traces", required = true, paramLabel = "FILE", description = "Native trace JSONL (asynclm.trace/1).")
    Path traces;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Checkpoint whose tokenizer.json to use.")
    Path model;

    @Option(names = "--max-length", defaultValue = "4096", description = "Longest example in tokens (default: ${DEFAULT-VALUE}).")
    int maxLength;

    @Option(names = "--overlong", defaultValue = "drop", paramLabel = "drop|truncate",
            description = "What to do with a longer example (default: ${DEFAULT-VALUE}).")
    TraceExamples.Overlong overlong;

    @Option(names = "--pack", paramLabel = "N", description = "Pack examples into rows of N tokens (default: --max-length).")
    Integer pack;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Option(names = "--out", paramLabel = "FILE",
            description = "Also write the examples, one per trace, as JSONL of input_ids, attention_mask and labels.")
    Path out;

    @Override
    public Integer call() throws BadInputException, IOException {
        if (maxLength < 1) {
            throw new BadInputException("--max-length must be at least 1");
        }
        TraceExamples.Overlong policy = overlong;
        int rowLength = pack != null ? pack : maxLength;
        if (rowLength < maxLength) {
            throw new BadInputException("--pack " + rowLength + " is shorter than --max-length " + maxLength);
        }
        if (out != null) {
            AtomicFiles.checkTarget(out);
        }
        TraceExamples.Result r = TraceExamples.read(traces, ModelCommand.tokenizer(model), maxLength, policy);
        List<Example> ex = r.examples();
        if (out != null) {
            ExampleFile.write(out, ex);
        }
        List<Packing.Row> rows = Packing.pack(ex, rowLength);
        long tokens = ex.stream().mapToLong(Example::length).sum();
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("examples", ex.size());
        o.put("dropped", r.dropped());
        o.put("truncated", r.truncated());
        o.put("tokens", tokens);
        o.put("trained_tokens", r.trainedTokens());
        o.put("trained_share", tokens == 0 ? 0 : (double) r.trainedTokens() / tokens);
        o.put("longest", ex.stream().mapToInt(Example::length).max().orElse(0));
        o.put("rows", rows.size());
        o.put("row_length", rowLength);
        o.put("packing_fill", rows.isEmpty() ? 0 : (double) tokens / ((long) rows.size() * rowLength));
        if (json) {
            spec.commandLine().getOut().println(Json.pretty(o));
        } else {
            spec.commandLine().getOut().print(new Table("examples", "dropped", "truncated", "tokens", "trained",
                    "longest", "rows", "fill").row(ex.size(), r.dropped(), r.truncated(), tokens,
                    String.format(Locale.ROOT, "%d (%.1f%%)", r.trainedTokens(), 100.0 * o.get("trained_share").asDouble()),
                    o.get("longest").asInt(), rows.size(),
                    String.format(Locale.ROOT, "%.1f%%", 100 * o.get("packing_fill").asDouble())).render());
        }
        if (out != null) {
            spec.commandLine().getErr().println("wrote " + ex.size() + " examples to " + out);
        }
        return 0;
    }
}
