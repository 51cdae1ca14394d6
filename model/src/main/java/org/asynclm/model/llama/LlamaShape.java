package org.asynclm.model.llama;

import java.util.List;
import org.asynclm.runtime.config.ConfigName;

/**
 * The released Llama 3.2 configurations, as their {@code config.json} files give them: what {@code bench train
 * --shape} trains with random weights, to measure memory and speed at the real sizes without the real weights.
 */
public enum LlamaShape implements ConfigName {
    /** Llama-3.2-1B: 1.24 billion parameters. */
    LLAMA_3_2_1B("llama-3.2-1b", 2048, 16, 32, 64),
    /** Llama-3.2-3B: 3.21 billion parameters. */
    LLAMA_3_2_3B("llama-3.2-3b", 3072, 28, 24, 128);

    /**
     * The ids of the reserved tokens the five CML markers map onto in Llama 3.2's tokenizer
     * ({@code configs/tokenizers/llama-3.2.json}; Llama3TokenizerTest pins them): the rows a LoRA run trains.
     */
    public static final int[] MARKER_ROWS = {128002, 128003, 128005, 128011, 128012};

    private final String id;
    private final int hidden;
    private final int layers;
    private final int heads;
    private final int headDim;

    LlamaShape(String id, int hidden, int layers, int heads, int headDim) {
        this.id = id;
        this.hidden = hidden;
        this.layers = layers;
        this.heads = heads;
        this.headDim = headDim;
    }

    @Override
    public String id() {
        return id;
    }

    /** Shared by both: vocabulary 128,256, 8 key/value heads, feed-forward 8,192, tied head, llama3 RoPE. */
    public LlamaConfig config() {
        return new LlamaConfig(128_256, hidden, 8192, layers, heads, 8, headDim, 1e-5, 500_000.0,
                new LlamaConfig.RopeScaling(32.0, 1.0, 4.0, 8192), true, 131_072, 128_000,
                List.of(128_001, 128_008, 128_009), "float32");
    }
}
