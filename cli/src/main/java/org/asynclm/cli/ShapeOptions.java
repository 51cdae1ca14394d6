package org.asynclm.cli;

import org.asynclm.model.llama.LlamaShape;
import org.asynclm.model.llama.TrainableLlama;
import org.asynclm.runtime.BadInputException;
import org.asynclm.training.bench.ShapeBenchmark;
import org.asynclm.training.config.ComputeDevice;
import picocli.CommandLine.Option;

/** {@code bench train --shape NAME} and what goes with it: a Llama 3.2 shape with random weights. */
final class ShapeOptions {
    @Option(names = "--shape", paramLabel = "NAME",
            description = "llama-3.2-1b or llama-3.2-3b, random weights (instead of --config).")
    LlamaShape shape;

    @Option(names = "--tokens", defaultValue = "512", description = "With --shape: tokens in the row (default: ${DEFAULT-VALUE}).")
    int tokens;

    @Option(names = "--lora-rank", defaultValue = "8", description = "With --shape: LoRA rank, 0 for full fine-tuning (default: ${DEFAULT-VALUE}).")
    int loraRank;

    @Option(names = "--gradient-checkpointing", description = "With --shape: recompute each decoder layer in backward.")
    boolean checkpointing;

    @Option(names = "--loss-chunk", defaultValue = "0", paramLabel = "TOKENS",
            description = "With --shape: the lm head and loss this many tokens at a time; 0 the whole row (default: ${DEFAULT-VALUE}).")
    int lossChunk;

    @Option(names = "--base-precision", defaultValue = "fp32", paramLabel = "fp32|fp16",
            description = "With --shape and LoRA: the frozen projections' precision (default: ${DEFAULT-VALUE}).")
    TrainableLlama.BasePrecision precision;

    @Option(names = "--device", defaultValue = "cpu", description = "With --shape: cpu or cuda:N (default: ${DEFAULT-VALUE}).")
    String device;

    /** The benchmark these options ask for, checked. */
    ShapeBenchmark.Options options(int warmupSteps, int steps) throws BadInputException {
        ComputeDevice on;
        try {
            on = ComputeDevice.of(device);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--device: " + e.getMessage());
        }
        if (tokens < 2 || loraRank < 0 || lossChunk < 0 || steps < 1 || warmupSteps < 0) {
            throw new BadInputException("--tokens must be at least 2, --lora-rank and --loss-chunk at least 0, "
                    + "--steps at least 1 and --warmup-steps at least 0");
        }
        if (loraRank == 0 && precision != TrainableLlama.BasePrecision.FP32) {
            throw new BadInputException("--base-precision " + precision.id() + " is for LoRA: full fine-tuning "
                    + "trains every weight in fp32");
        }
        return new ShapeBenchmark.Options(shape, tokens, loraRank, precision,
                new TrainableLlama.Memory(checkpointing, lossChunk), on, warmupSteps, steps, 0);
    }

    String method() {
        return loraRank > 0 ? "lora r=" + loraRank : "full";
    }
}
