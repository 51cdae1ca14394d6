package org.asynclm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.asynclm.bfcl.BfclData;
import org.asynclm.bfcl.BfclEntry;
import org.asynclm.eval.bfcl.BfclFiles;
import org.asynclm.eval.bfcl.BfclRun;
import org.asynclm.eval.bfcl.BfclScorer;
import org.asynclm.eval.bfcl.MultiTurnRun;
import org.asynclm.model.llama.Llama;
import org.asynclm.runtime.BadInputException;
import org.asynclm.runtime.Engine;
import org.asynclm.runtime.files.AtomicFiles;
import org.asynclm.runtime.stop.StopSignals;
import org.asynclm.runtime.tokens.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "bfcl", mixinStandardHelpOptions = true,
        description = {"Runs a checkpoint on BFCL categories, writes BFCL's result files (so BFCL's own tool can "
                + "re-score them) and scores them: single-turn categories with the AST checker, multi-turn ones by "
                + "executing the calls on the Java port of BFCL's backends.",
                "--mode sync: BFCL's own prompt, the model's text is the answer; in multi-turn entries, BFCL's protocol "
                        + "(the calls of each response run, their results go back, until a response calls nothing). "
                        + "--mode async: the CML prompt with estimated_time_ms; the model runs in the async runtime and "
                        + "the calls it wrote are the answer; in multi-turn entries the backends are the tools, so "
                        + "each call's real result arrives as an interrupt."},
        footer = {"", "Examples:", "  bin/asynclm eval bfcl --model runs/tiny-model --bfcl-dir ../shared/bfcl \\",
                "      --categories simple_python,parallel --mode async --n 20 --out runs/bfcl",
                "  bin/asynclm eval bfcl --model runs/tiny-16k --bfcl-dir ../shared/bfcl --categories multi_turn_base \\",
                "      --ids multi_turn_base_100,multi_turn_base_104 --mode async --out runs/bfcl-mt",
                "  bin/asynclm eval bfcl --base-url http://127.0.0.1:8000/v1 --model tiny-model \\",
                "      --tokenizer runs/tiny-model/tokenizer.json --bfcl-dir testdata/bfcl --categories simple_python \\",
                "      --n 5 --out runs/bfcl-http"})
final class EvalBfclCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CheckpointOptions checkpoint;

    @Mixin
    ServedModelOptions served;

    @Option(names = "--bfcl-dir", required = true, paramLabel = "DIR", description = "BFCL v4 data directory.")
    Path bfclDir;

    @Option(names = "--categories", required = true, split = ",", paramLabel = "C,...",
            description = "Categories, e.g. simple_python,multiple,parallel,parallel_multiple,irrelevance or the "
                    + "multi-turn multi_turn_base,multi_turn_miss_func,multi_turn_miss_param,multi_turn_long_context.")
    List<String> categories;

    @Option(names = "--mode", defaultValue = "sync", description = "sync or async (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--n", paramLabel = "N", description = "Only the first N entries of each category.")
    Integer n;

    @Option(names = "--ids", split = ",", paramLabel = "ID,...", description = "Only these entries (with --n: the "
            + "first N of them).")
    List<String> ids;

    @Option(names = "--max-tokens", defaultValue = "128", description = "Generation limit per answer: an entry, or a multi-turn step (sync) or turn (async) "
            + "(default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the tools' times (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where result and score files go.")
    Path out;

    /** Every id named by --ids must be an entry of one of the categories: a typo must not run nothing. */
    private void checkIds(BfclData data) throws BadInputException {
        if (ids == null) {
            return;
        }
        Set<String> known = new HashSet<>();
        for (String c : categories) {
            data.entries(c, false).forEach(e -> known.add(e.id()));
        }
        for (String id : ids) {
            if (!known.contains(id)) {
                throw new BadInputException("--ids: '" + id + "' is not an entry of " + String.join(", ", categories));
            }
        }
    }

    @Override
    public Integer call() throws BadInputException, IOException {
        if (!mode.equals("sync") && !mode.equals("async")) {
            throw new BadInputException("--mode: expected sync or async, got '" + mode + "'");
        }
        if ((n != null && n < 1) || maxTokens < 1) {
            throw new BadInputException("--n and --max-tokens must be at least 1");
        }
        AtomicFiles.checkDirectoryTarget(out);
        BfclData data = new BfclData(bfclDir);
        checkIds(data);
        Map<String, List<BfclEntry>> work = new LinkedHashMap<>();
        for (String c : categories) {
            List<BfclEntry> entries = data.entries(c, !BfclScorer.isRelevanceCategory(c));
            if (ids != null) {
                entries = entries.stream().filter(e -> ids.contains(e.id())).toList();
            }
            work.put(c, n == null ? entries : entries.subList(0, Math.min(n, entries.size())));
        }
        served.check(checkpoint.adapter);
        String name = checkpoint.model.toString();
        ObjectNode provenance = (served.remote() ? served.provenance(name) : checkpoint.provenance()).put("mode", mode)
                .put("seed", seed);
        provenance.putPOJO("categories", List.copyOf(work.keySet()));
        AtomicFiles.writeString(out.resolve("run.json"), Json.pretty(provenance)); // what made these result files
        Table table = new Table("category", "mode", "entries", "accuracy", "most common error");
        try (StopSignals.Scope stoppable = StopSignals.cooperate();
             Llama llama = served.remote() ? null : checkpoint.load()) {
            Tokenizer tok = llama != null ? llama.tokenizer() : served.loadTokenizer();
            Supplier<Engine> engines = llama != null ? () -> ModelCommand.engineUnchecked(llama)
                    : () -> served.model(name).engine(tok, maxTokens, 0, 1, seed);
            BfclRun run = new BfclRun(engines, tok, maxTokens, seed);
            MultiTurnRun multiTurn = new MultiTurnRun(engines, tok, maxTokens, seed, data);
            for (Map.Entry<String, List<BfclEntry>> w : work.entrySet()) {
                String category = w.getKey();
                Map<String, JsonNode> asJson;
                try (Progress p = new Progress(category, w.getValue().size())) {
                    if (BfclScorer.isMultiTurnCategory(category)) {
                        asJson = multiTurn.run(w.getValue(), mode, p);
                        BfclFiles.writeJsonResults(BfclFiles.resultFile(out, category), asJson);
                    } else {
                        asJson = BfclFiles.writeResults(BfclFiles.resultFile(out, category),
                                run.run(w.getValue(), category, mode, p));
                    }
                }
                List<BfclScorer.Verdict> verdicts = new BfclScorer(false).score(category, w.getValue(), asJson);
                BfclFiles.writeScores(BfclFiles.scoreFile(out, category), verdicts);
                Map<String, Integer> errors = new TreeMap<>();
                long valid = 0;
                for (BfclScorer.Verdict v : verdicts) {
                    if (v.valid()) {
                        valid++;
                    } else {
                        errors.merge(v.errorType(), 1, Integer::sum);
                    }
                }
                String common = errors.entrySet().stream().max(Map.Entry.comparingByValue())
                        .map(e -> e.getKey() + " (" + e.getValue() + ")").orElse("-");
                table.row(category, mode, verdicts.size(), String.format("%.4f", (double) valid / verdicts.size()), common);
            }
        }
        spec.commandLine().getOut().print(table.render());
        if (served.remote()) {
            spec.commandLine().getOut().println(served.model(name).requests().describe());
        }
        spec.commandLine().getOut().println("results and scores: " + out);
        return 0;
    }
}
