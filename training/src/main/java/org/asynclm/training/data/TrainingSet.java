package org.asynclm.training.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.asynclm.runtime.BadInputException;
import org.asynclm.runtime.tokens.Tokenizer;
import org.asynclm.training.config.TrainConfig;

/**
 * What a run trains and checks on: the examples of {@code train_data} packed into rows, and held-out rows for the
 * eval loss: from {@code eval_data}, or the last {@code eval_fraction} of {@code train_data}'s examples (traces are
 * drawn independently, so the last ones are as good a sample as any), at most {@code eval_rows} of them. With
 * {@code copy_steps}, {@code copyRows} are the same training traces in short prompts
 * ({@code copy_prompt}: {@link TraceExamples.Prompt#INSTRUCTIONS} or {@link TraceExamples.Prompt#REQUEST}), with the
 * loss on their copied values or on all the model writes ({@code copy_loss}); otherwise none. With
 * {@code error_repeats} above 1, {@code rows} hold the traces with a tool's error that many times.
 */
public record TrainingSet(TraceExamples.Result train, List<Packing.Row> rows, int evalExamples,
                          List<Packing.Row> evalRows, List<Packing.Row> copyRows) {

    public static TrainingSet load(TrainConfig c, Tokenizer tokenizer) throws BadInputException {
        TraceExamples.Overlong overlong = c.overlong();
        Path trainFile = Path.of(c.trainData());
        // copy_steps' short examples come from the same pass, so a trace is parsed and its segments encoded once;
        // copy_steps and value_weight both need to know which tokens are copied values
        List<TraceExamples.Result> read = TraceExamples.read(trainFile, tokenizer, c.maxLength(), overlong,
                c.copySteps() > 0 ? List.of(TraceExamples.Prompt.WHOLE, c.copyPrompt())
                        : List.of(TraceExamples.Prompt.WHOLE), c.copySteps() > 0 || c.valueWeight() != 1);
        TraceExamples.Result all = read.get(0);
        List<Example> train = all.examples();
        List<Example> held;
        if (c.evalData() != null) {
            held = TraceExamples.read(Path.of(c.evalData()), tokenizer, c.maxLength(), overlong).examples();
        } else {
            int k = (int) Math.ceil(c.evalFraction() * train.size());
            if (k > 0 && k >= train.size()) {
                k = 0; // one example cannot be both
            }
            held = train.subList(train.size() - k, train.size());
            train = train.subList(0, train.size() - k);
        }
        if (train.isEmpty()) {
            throw new BadInputException(trainFile + ": no example fits max_length " + c.maxLength() + " ("
                    + all.dropped() + " dropped)");
        }
        List<Packing.Row> evalRows = Packing.pack(held, c.maxLength());
        return new TrainingSet(new TraceExamples.Result(train, all.dropped(), all.truncated(), all.toolErrorLines()),
                Packing.pack(repeatToolErrors(train, all.toolErrorLines(), c.errorRepeats()), c.maxLength()),
                held.size(),
                evalRows.subList(0, Math.min(c.evalRows(), evalRows.size())),
                read.size() > 1 ? copyRows(c, read.get(1), train) : List.of());
    }

    /**
     * {@code train}, then each example whose trace has a tool's error {@code repeats - 1} more times: appended after
     * the rest, so the rows they pack into are rows of error traces alone, which the trainer's shuffle spreads.
     */
    static List<Example> repeatToolErrors(List<Example> train, Set<Integer> toolErrorLines, int repeats) {
        List<Example> out = new ArrayList<>(train);
        List<Example> withError = train.stream().filter(e -> toolErrorLines.contains(e.line())).toList();
        for (int k = 1; k < repeats; k++) {
            out.addAll(withError);
        }
        return out;
    }

    /**
     * The training examples' traces in short prompts, packed, with the loss on the tokens {@code copy_loss} names: the
     * rows of copy_steps (held-out traces left out).
     */
    private static List<Packing.Row> copyRows(TrainConfig c, TraceExamples.Result shortened, List<Example> train) {
        Set<Integer> lines = train.stream().map(Example::line).collect(Collectors.toSet());
        List<Example> kept = shortened.examples().stream().filter(e -> lines.contains(e.line())).toList();
        List<Packing.Row> rows = Packing.pack(kept, c.maxLength());
        return c.copyLoss() == TrainConfig.CopyLoss.VALUES ? rows.stream().map(Packing.Row::copiesTrained).toList()
                : rows;
    }
}
