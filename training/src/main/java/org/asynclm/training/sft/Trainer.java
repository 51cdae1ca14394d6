package org.asynclm.training.sft;

import ai.djl.Device;
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
import org.asynclm.training.data.Packing;
import org.asynclm.training.loss.TokenLoss;
import org.asynclm.training.optim.AdamW;

/**
 * Supervised fine-tuning of every weight: one packed row per step, rows in a seeded order reshuffled every pass,
 * AdamW with warm-up and cosine decay, gradients clipped to a global norm. Reports each step to a listener.
 */
public final class FullFineTuning {

    /** Settings of a run; every random choice comes from {@code seed}. {@code saveEvery} 0: only at the end. */
    public record Settings(int steps, double learningRate, double warmupFraction, double weightDecay,
                           double maxGradNorm, long seed, int saveEvery) {
    }

    /** Where a run starts: step 0, or a checkpoint's step with its optimizer state. */
    public record Start(int step, Path optimizerState) {
        public static final Start FRESH = new Start(0, null);
    }

    /** Writes a checkpoint after {@code step} steps. */
    @FunctionalInterface
    public interface Saver {
        void save(int step, AdamW optimizer) throws IOException;
    }

    /** What one step did: {@code tokens} in the row, {@code trainedTokens} under the loss. */
    public record Step(int step, double loss, double learningRate, double gradNorm, int tokens, int trainedTokens,
                       double seconds) {
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

    private FullFineTuning() {
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

    public static void run(TrainableLlama model, List<Packing.Row> rows, Settings s, Start start, Listener listener,
                           Saver saver) throws IOException, BadInputException {
        Schedule schedule = new Schedule(s.learningRate(), (int) Math.round(s.warmupFraction() * s.steps()),
                s.steps());
        Map<String, NDArray> params = model.parameters();
        try (NDManager m = NDManager.newBaseManager(Device.cpu());
             AdamW adam = new AdamW(m, 0.9, 0.999, 1e-8, s.weightDecay())) {
            if (start.optimizerState() != null) {
                adam.restore(start.step(), start.optimizerState(), params);
            }
            List<Integer> order = passOrder(start.step() / rows.size(), rows.size(), s.seed());
            for (int step = start.step(); step < s.steps(); step++) {
                if (step > start.step() && step % rows.size() == 0) {
                    order = passOrder(step / rows.size(), rows.size(), s.seed());
                }
                Packing.Row row = rows.get(order.get(step % rows.size()));
                int tokens = TokenLoss.count(row.ids(), row.trained(), row.examples());
                long t0 = System.nanoTime();
                double loss;
                double norm;
                try (NDScope scope = new NDScope()) {
                    try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                        NDArray l = TokenLoss.mean(m, model.logits(row.ids(), row.examples()), row.ids(),
                                row.trained(), row.examples(), tokens);
                        c.backward(l);
                        loss = l.getFloat();
                    }
                    if (!Double.isFinite(loss)) {
                        throw new DivergedException("step " + (step + 1) + ": the loss is " + loss
                                + "; lower the learning rate");
                    }
                    norm = AdamW.gradientNorm(params);
                    if (norm > s.maxGradNorm()) {
                        AdamW.scaleGradients(params, s.maxGradNorm() / norm);
                    }
                    adam.update(params, schedule.at(step));
                }
                listener.step(new Step(step + 1, loss, schedule.at(step), norm, row.length(), tokens,
                        (System.nanoTime() - t0) / 1e9));
                if (step + 1 == s.steps() || (s.saveEvery() > 0 && (step + 1) % s.saveEvery() == 0)) {
                    saver.save(step + 1, adam);
                }
            }
        }
    }
}
