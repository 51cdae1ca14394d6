package org.asynclm.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.asynclm.bfcl.BfclData;
import org.asynclm.eval.bfcl.BfclFiles;
import org.asynclm.eval.bfcl.BfclScorer;
import org.asynclm.runtime.BadInputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "bfcl", mixinStandardHelpOptions = true, description = "BFCL (Berkeley Function-Calling Leaderboard) tools.",
        subcommands = {BfclCommand.Score.class, BfclDownload.class},
        footer = {"", "Example:", "  bin/asynclm bfcl score --bfcl-dir ../shared/bfcl --category parallel --results r.jsonl"})
final class BfclCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "score", mixinStandardHelpOptions = true,
            description = {"Scores a BFCL result file with the port of BFCL's AST checker (simple, multiple, parallel, "
                    + "parallel_multiple, live_*, Java, JavaScript), its relevance rule (irrelevance, live_irrelevance, "
                    + "live_relevance) or its multi-turn checker (multi_turn_base, _miss_func, _miss_param, "
                    + "_long_context), which executes the calls on the Java port of BFCL's backends. Results are BFCL's "
                    + "format: {\"id\", \"result\"} per line; a multi-turn result is a list of turns, each a list of "
                    + "the model's responses in that turn.",
                    "An id missing from the results counts as invalid (error type missing_result)."},
            footer = {"", "Examples:",
                    "  bin/asynclm bfcl score --bfcl-dir ../shared/bfcl --category simple_python \\",
                    "      --results runs/simple_python.jsonl --out runs/simple_python-score.jsonl",
                    "  bin/asynclm bfcl score --bfcl-dir ../shared/bfcl --category multi_turn_base \\",
                    "      --results runs/bfcl/BFCL_v4_multi_turn_base_result.json"})
    static final class Score implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--bfcl-dir", required = true, paramLabel = "DIR", description = "BFCL v4 data directory.")
        Path dir;

        @Option(names = "--category", required = true, paramLabel = "C", description = "e.g. simple_python, parallel.")
        String category;

        @Option(names = "--results", required = true, paramLabel = "FILE", description = "The model's results (JSONL).")
        Path results;

        @Option(names = "--out", paramLabel = "FILE", description = "Write {\"id\", \"valid\", \"error_type\"} per entry.")
        Path out;

        @Option(names = "--underscore-to-dot", description = "The model's API forbids '.' in function names (BFCL's FC setting).")
        boolean underscoreToDot;

        @Override
        public Integer call() throws BadInputException, IOException {
            List<BfclScorer.Verdict> verdicts = new BfclScorer(underscoreToDot).score(new BfclData(dir), category, results);
            if (out != null) {
                BfclFiles.writeScores(out, verdicts);
            }
            long valid = verdicts.stream().filter(BfclScorer.Verdict::valid).count();
            Map<String, Integer> errors = new TreeMap<>();
            verdicts.stream().filter(v -> !v.valid()).forEach(v -> errors.merge(v.errorType(), 1, Integer::sum));
            PrintWriter o = spec.commandLine().getOut();
            o.printf("%s: accuracy %.4f (%d of %d)%n", category, verdicts.isEmpty() ? 0.0 : (double) valid / verdicts.size(),
                    valid, verdicts.size());
            if (!errors.isEmpty()) {
                Table t = new Table("error type", "entries");
                errors.forEach((k, n) -> t.row(k, n));
                o.print(t.render());
            }
            return 0;
        }
    }
}
