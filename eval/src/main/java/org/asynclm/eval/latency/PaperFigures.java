package org.asynclm.eval.latency;

import java.util.Map;
import org.asynclm.runtime.Method;

/**
 * Speedups over Sync reported by the AsyncLM paper (Gim, Lee, Zhong, arXiv 2412.07017, Figs. 5-6) at an emulated
 * TPOT of 5 ms. They were measured in the cloud deployment, where each new request pays a time to first token
 * (about 310 ms for GPT-4o).
 */
public final class PaperFigures {
    private PaperFigures() {
    }

    public static Map<Method, Double> speedups(String dataset) {
        if (dataset.endsWith("multi-step-parallel")) {
            return Map.of(Method.SYNC_PARALLEL, 3.2, Method.ASYNC, 5.4);
        }
        if (dataset.endsWith("parallel")) {
            return Map.of(Method.SYNC_PARALLEL, 1.7, Method.ASYNC, 2.1);
        }
        return Map.of();
    }
}
