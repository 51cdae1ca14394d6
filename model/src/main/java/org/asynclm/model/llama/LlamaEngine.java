package org.asynclm.model.llama;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.asynclm.runtime.CacheAction;
import org.asynclm.runtime.Engine;
import org.asynclm.runtime.TokenFilter;
import org.asynclm.runtime.stop.StopSignals;

/**
 * The local Llama as the runtime's engine. Decoding applies the CML mask to the logits; appended tokens (Async's
 * interrupts) extend the KV cache at the current position; a dropped cache (Async-Naive, or the trap handler's
 * choice) makes the next step recompute the whole context; a swapped cache waits in host memory until the next
 * step brings it back. A stop asked for by a signal ends decoding at the next token.
 */
public final class LlamaEngine implements Engine {
    static final int PREFILL_SLICE = 512;
    private final Llama model;
    private final Llama.Cache cache;
    private final Sampler sampler;
    private final List<Integer> context = new ArrayList<>();
    private float[] next;
    private boolean dropped;

    public LlamaEngine(Llama model, Sampler sampler) {
        this.model = model;
        this.cache = model.newCache();
        this.sampler = sampler;
    }

    @Override
    public void prefill(int[] prompt) {
        context.clear();
        cache.clear();
        dropped = false;
        append(prompt);
    }

    @Override
    public int decode(TokenFilter allowed) {
        StopSignals.check(); // between tokens, so that a stopped command never leaves libtorch mid-kernel
        int token = sampler.pick(next, allowed);
        append(new int[] {token});
        return token;
    }

    @Override
    public void append(int[] tokens) {
        for (int t : tokens) {
            context.add(t);
        }
        int[] feed = tokens;
        if (dropped) { // recompute everything, the new tokens included
            feed = context.stream().mapToInt(Integer::intValue).toArray();
            dropped = false;
        }
        // a long prompt goes in slices, so that attention holds [heads, slice, context] scores at a time instead of
        // [heads, prompt, prompt] (a 25,000-token BFCL multi-turn prompt would need 10 GB for one layer's scores)
        for (int from = 0; from < feed.length; from += PREFILL_SLICE) {
            float[][] logits = model.forward(cache, Arrays.copyOfRange(feed, from, Math.min(feed.length,
                    from + PREFILL_SLICE)));
            next = logits[logits.length - 1];
        }
    }

    @Override
    public void cache(CacheAction action) {
        switch (action) {
            case KEEP -> {
            }
            case DROP -> {
                cache.clear();
                dropped = true;
            }
            case SWAP -> cache.swapOut();
        }
    }

    @Override
    public int contextLength() {
        return context.size();
    }

    @Override
    public int maxContext() {
        return model.config().maxPositions();
    }

    /** The logits for the next token, for tests and scoring. */
    public float[] nextLogits() {
        return next.clone();
    }

    @Override
    public void close() {
        cache.close();
    }
}
