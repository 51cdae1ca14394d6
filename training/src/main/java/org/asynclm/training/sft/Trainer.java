package org.asynclm.training.sft;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.asynclm.model.llama.TrainableLlama;
import org.asynclm.runtime.BadInputException;
import org.asynclm.runtime.stop.StopSignals;
import org.asynclm.training.data.Packing;
import org.asynclm.training.loss.TokenLoss;
import org.asynclm.training.optim.AdamW;

/**
 * Supervised fine-tuning, of every weight or of a LoRA adapter: each step accumulates the gradients of
 * {@code accumulation} packed rows (the loss is the mean over all their trained tokens, as one batch would have it,
 * each token weighted as {@link Settings} says), clips them to a global norm and takes an AdamW step on a warm-up +
 * cosine schedule. Rows come in a seeded order reshuffled every pass. Held-out loss (unweighted) every
 * {@code evalEvery} steps and at the end.
 */
public final class Trainer {

    /**
     * Settings of a run; every random choice comes from {@code seed}. {@code saveEvery} and {@code evalEvery} 0: only
     * at the end. The first {@code everyTokenSteps} steps put every token under the loss (a pretraining stage: a
     * model from scratch first learns to read the prompts it will have to follow), the rest only what the model writes.
     * Before any of them, {@code recallSteps} steps train on {@link org.asynclm.training.data.RecallRows} (given to
     * {@link #run}), which teach it to look up and copy, then {@code copySteps} steps on the copy rows given to
     * {@link #run}, with the loss where they carry it (the values the traces' calls copy,
     * {@link Packing.Row#copiesTrained}, or all that the model writes, in short prompts). In the steps on what the
     * model writes, a copied value's tokens weigh {@code valueWeight} in the loss ({@link Packing.Row#lossWeights};
     * 1: as any other). {@code memory} chooses what a step keeps for backward. {@code lrCycles}: the learning rate's
     * warm-up and cosine decay once over the run, or once over each of those stages.
     */
    public record Settings(int steps, double learningRate, double warmupFraction, double weightDecay,
                           double maxGradNorm, long seed, int saveEvery, int accumulation, int evalEvery,
                           double loraDropout, int everyTokenSteps, int recallSteps, int copySteps,
                           double valueWeight, TrainableLlama.Memory memory, Schedule.Cycles lrCycles) {
        public Settings {
            if (accumulation < 1) {
                throw new IllegalArgumentException("accumulation must be at least 1");
            }
            if (!(valueWeight > 0) || !Double.isFinite(valueWeight)) {
                throw new IllegalArgumentException("value weight must be a positive number");
            }
            if (lrCycles == null) {
                throw new IllegalArgumentException("lrCycles must be run or stages");
            }
        }

        public Settings(int steps, double learningRate, double warmupFraction, double weightDecay,
                        double maxGradNorm, long seed, int saveEvery, int accumulation, int evalEvery,
                        double loraDropout, int everyTokenSteps, int recallSteps, int copySteps,
                        TrainableLlama.Memory memory) {
            this(steps, learningRate, warmupFraction, weightDecay, maxGradNorm, seed, saveEvery, accumulation,
                    evalEvery, loraDropout, everyTokenSteps, recallSteps, copySteps, 1, memory, Schedule.Cycles.RUN);
        }

        public Settings(int steps, double learningRate, double warmupFraction, double weightDecay,
                        double maxGradNorm, long seed, int saveEvery, int accumulation, int evalEvery,
                        double loraDropout, int everyTokenSteps, int recallSteps) {
            this(steps, learningRate, warmupFraction, weightDecay, maxGradNorm, seed, saveEvery, accumulation,
                    evalEvery, loraDropout, everyTokenSteps, recallSteps, 0, 1, TrainableLlama.Memory.KEEP_ALL,
                    Schedule.Cycles.RUN);
        }

        public Settings(int steps, double learningRate, double warmupFraction, double weightDecay,
                        double maxGradNorm, long seed, int saveEvery, int accumulation, int evalEvery,
                        double loraDropout) {
            this(steps, learningRate, warmupFraction, weightDecay, maxGradNorm, seed, saveEvery, accumulation,
                    evalEvery, loraDropout, 0, 0);
        }
    }

    /** Where a run starts: step 0, or a checkpoint's step with its optimizer state. */
    public record Start(int step, Path optimizerState) {
        public static final Start FRESH = new Start(0, null);
    }

    /**
     * Writes a checkpoint after {@code step} steps, whose training loss was {@code loss}. It is called after the
     * listener heard of the step, so that a log kept by the listener already holds every step a checkpoint holds.
     */
    @FunctionalInterface
    public interface Saver {
        void save(int step, double loss, AdamW optimizer) throws IOException;
    }

    /**
     * What one step did: {@code tokens} in its rows, {@code trainedTokens} under the loss; {@code evalLoss} the
     * held-out loss after it, null when not measured at this step.
     */
    public record Step(int step, double loss, double learningRate, double gradNorm, int tokens, int trainedTokens,
                       double seconds, Double evalLoss) {
    }

    @FunctionalInterface
    public interface Listener {
        void step(Step s);
    }

    /** A step whose loss is not a number stops the run. */
    public static final class DivergedException extends RuntimeException {
        public DivergedException(String message) {
            super(message);
        }
    }

    private Trainer() {
    }

    /**
     * The order of the rows in pass {@code pass}: each pass has its own seeded order, so where a run is follows from
     * the step alone and a resumed run reads the same rows.
     */
    static List<Integer> passOrder(int pass, int rows, long seed) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(seed * 0x9E3779B97F4A7C15L + pass));
        return order;
    }

    /** {@code evalRows} may be empty (no held-out loss). */
    public static void run(TrainableLlama model, List<Packing.Row> rows, List<Packing.Row> evalRows, Settings s,
                           Start start, Listener listener, Saver saver) throws IOException, BadInputException {
        run(model, List.of(), List.of(), rows, evalRows, s, start, listener, saver);
    }

    /**
     * With {@code recallRows} for the first {@code s.recallSteps()} steps (cycled), then {@code copyRows} (the traces
     * in a short prompt, {@link org.asynclm.training.data.TraceExamples.Prompt}, with the loss where the rows carry
     * it) for {@code s.copySteps()}, then {@code rows}.
     */
    public static void run(TrainableLlama model, List<Packing.Row> recallRows, List<Packing.Row> copyRows,
                           List<Packing.Row> rows, List<Packing.Row> evalRows, Settings s, Start start,
                           Listener listener, Saver saver) throws IOException, BadInputException {
        if (s.recallSteps() > 0 && recallRows.isEmpty()) {
            throw new IllegalArgumentException("recall steps need recall rows");
        }
        if (s.copySteps() > 0 && copyRows.isEmpty()) {
            throw new IllegalArgumentException("copy steps need copy rows");
        }
        Schedule schedule = Schedule.of(s.lrCycles(), s.learningRate(), s.warmupFraction(), s.steps(),
                s.recallSteps(), s.copySteps(), s.everyTokenSteps());
        Map<String, NDArray> params = model.parameters();
        RowOrder order = new RowOrder(rows, s.seed());
        RowOrder copyOrder = copyRows.isEmpty() ? null : new RowOrder(copyRows, s.seed());
        try (NDManager m = NDManager.newBaseManager(model.device()); // optimizer state beside the weights
             AdamW adam = new AdamW(m, 0.9, 0.999, 1e-8, s.weightDecay())) {
            if (start.optimizerState() != null) {
                adam.restore(start.step(), start.optimizerState(), params);
            }
            for (int step = start.step(); step < s.steps(); step++) {
                StopSignals.check(); // a signal stops the run between steps, never inside libtorch
                List<Weighted> batch = new ArrayList<>();
                for (int k = 0; k < s.accumulation(); k++) {
                    batch.add(row(s, step, k, recallRows, copyOrder, order));
                }
                int tokens = batch.stream().mapToInt(w -> TokenLoss.count(w.row().ids(), w.row().trained(),
                        w.row().examples())).sum();
                double total = batch.stream().mapToDouble(w -> TokenLoss.total(w.weights(), w.row().examples()))
                        .sum();
                long t0 = System.nanoTime();
                double loss = 0;
                double norm;
                try (NDScope scope = new NDScope()) {
                    // autograd records while the collector is open; TrainableLlama.backward walks the graph itself
                    try (GradientCollector recording = Engine.getInstance().newGradientCollector()) {
                        for (int k = 0; k < batch.size(); k++) {
                            loss += microStep(m, model, batch.get(k), total, s, dropoutSeed(s, step, k));
                        }
                    }
                    if (!Double.isFinite(loss)) {
                        throw new DivergedException("step " + (step + 1) + ": the loss is " + loss
                                + "; lower the learning rate");
                    }
                    norm = adam.update(params, schedule.at(step), s.maxGradNorm());
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                boolean last = step + 1 == s.steps();
                Double evalLoss = !evalRows.isEmpty() && (last || (s.evalEvery() > 0 && (step + 1) % s.evalEvery() == 0))
                        ? evalLoss(m, model, evalRows) : null;
                if (evalLoss != null && !Double.isFinite(evalLoss)) {
                    throw new DivergedException("step " + (step + 1) + ": the held-out loss is " + evalLoss
                            + "; lower the learning rate");
                }
                boolean save = last || (s.saveEvery() > 0 && (step + 1) % s.saveEvery() == 0);
                if (save) {
                    requireFiniteWeights(params, step + 1);
                }
                listener.step(new Step(step + 1, loss, schedule.at(step), norm,
                        batch.stream().mapToInt(w -> w.row().length()).sum(), tokens, seconds, evalLoss));
                if (save) {
                    saver.save(step + 1, loss, adam);
                }
            }
        }
    }

    /** A row of a step and each token's weight in its loss. */
    private record Weighted(Packing.Row row, float[] weights) {
        static Weighted plain(Packing.Row row) {
            return new Weighted(row, row.lossWeights(1));
        }
    }

    /**
     * Row {@code k} of step {@code step}: the stages in order (recall rows, copy rows, every-token rows, the masked
     * rows, whose copied values weigh {@code valueWeight}). Which row follows from the step alone, so a resumed run
     * reads the same rows.
     */
    private static Weighted row(Settings s, int step, int k, List<Packing.Row> recallRows, RowOrder copyOrder,
                                RowOrder order) {
        int acc = s.accumulation();
        if (step < s.recallSteps()) {
            return Weighted.plain(recallRows.get((step * acc + k) % recallRows.size()));
        }
        int traceStep = step - s.recallSteps();
        if (traceStep < s.copySteps()) {
            return Weighted.plain(copyOrder.row((long) traceStep * acc + k));
        }
        int traceRow = traceStep - s.copySteps();
        Packing.Row row = order.row((long) traceRow * acc + k);
        return traceRow < s.everyTokenSteps() ? Weighted.plain(row.everyTokenTrained())
                : new Weighted(row, row.lossWeights(s.valueWeight()));
    }

    /** A checkpoint of weights that are not numbers is no checkpoint: the run stops before writing it. */
    private static void requireFiniteWeights(Map<String, NDArray> params, int step) {
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            try (NDScope scope = new NDScope()) {
                if (e.getValue().isNaN().logicalOr(e.getValue().isInfinite()).any().getBoolean()) {
                    throw new DivergedException("step " + step + ": weight " + e.getKey()
                            + " is not finite; lower the learning rate");
                }
            }
        }
    }

    /** Forward and backward of one row, its arrays freed before the next; returns its share of the step's loss. */
    private static double microStep(NDManager m, TrainableLlama model, Weighted w, double stepWeight, Settings s,
                                    long dropoutSeed) {
        Packing.Row row = w.row();
        try (NDScope micro = new NDScope()) {
            return model.backward(row.ids(), row.examples(), s.loraDropout(), dropoutSeed, s.memory(),
                    TokenLoss.over(m, row.ids(), w.weights(), row.examples(), stepWeight));
        }
    }

    /** A seed fixed by the run, the step and the row, so a resumed run drops the same units. */
    private static long dropoutSeed(Settings s, int step, int k) {
        return (s.seed() * 31 + step) * 131 + k + 1;
    }

    /** The mean next-token loss over every trained token of {@code rows}, without dropout or gradients. */
    public static double evalLoss(NDManager m, TrainableLlama model, List<Packing.Row> rows) {
        int tokens = rows.stream().mapToInt(r -> TokenLoss.count(r.ids(), r.trained(), r.examples())).sum();
        double total = 0;
        for (Packing.Row r : rows) {
            try (NDScope scope = new NDScope()) {
                total += TokenLoss.mean(m, model.logits(r.ids(), r.examples()), r.ids(), r.trained(), r.examples(),
                        tokens).getFloat();
            }
        }
        return total;
    }

    /** Row {@code i} of the run's stream: pass i / rows in that pass's order. */
    private static final class RowOrder {
        private final List<Packing.Row> rows;
        private final long seed;
        private int pass = -1;
        private List<Integer> order;

        RowOrder(List<Packing.Row> rows, long seed) {
            this.rows = rows;
            this.seed = seed;
        }

        Packing.Row row(long i) {
            int p = (int) (i / rows.size());
            if (p != pass) {
                order = passOrder(p, rows.size(), seed);
                pass = p;
            }
            return rows.get(order.get((int) (i % rows.size())));
        }
    }
}
