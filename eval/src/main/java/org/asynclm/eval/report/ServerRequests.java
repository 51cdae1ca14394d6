package org.asynclm.eval.report;

import java.util.List;
import org.asynclm.eval.latency.MethodStats;
import org.asynclm.runtime.remote.OpenAiEngine;

/**
 * What the requests to an OpenAI-compatible server measured on the wall clock, beside the experiment's virtual-clock
 * makespans: how many were sent (one per stretch between interrupts), their time to first token and their streaming
 * speed.
 */
public record ServerRequests(String baseUrl, String model, int requests, double ttftP50Ms, double ttftP90Ms,
                             double tokensPerSecondP50, int refusedTokens) {

    public static ServerRequests of(String baseUrl, String model, List<OpenAiEngine.Request> requests, int refused) {
        double[] ttft = requests.stream().mapToDouble(OpenAiEngine.Request::ttftMs).filter(x -> x >= 0).toArray();
        double[] speed = requests.stream().mapToDouble(OpenAiEngine.Request::tokensPerSecond).filter(x -> x > 0)
                .toArray();
        return new ServerRequests(baseUrl, model, requests.size(),
                ttft.length == 0 ? 0 : MethodStats.percentile(ttft, 0.5),
                ttft.length == 0 ? 0 : MethodStats.percentile(ttft, 0.9),
                speed.length == 0 ? 0 : MethodStats.percentile(speed, 0.5), refused);
    }

    /** One line for a summary or a report. */
    public String describe() {
        return String.format(java.util.Locale.ROOT, "%d requests to %s (model %s): time to first token p50 %.1f ms, "
                + "p90 %.1f ms; %.0f tokens/s (p50); %d tokens refused by the runtime", requests, baseUrl, model,
                ttftP50Ms, ttftP90Ms, tokensPerSecondP50, refusedTokens);
    }
}
