package org.asynclm.cli;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.asynclm.eval.report.ServerRequests;
import org.asynclm.runtime.Method;
import org.asynclm.runtime.remote.OpenAiClient;
import org.asynclm.runtime.remote.OpenAiEngine;
import org.asynclm.runtime.remote.OpenAiServer;
import org.asynclm.runtime.tokens.Tokenizer;

/**
 * A model behind an OpenAI-compatible server, as the commands run it: one client, and every engine made kept, so
 * that what their requests measured can be reported.
 */
final class ServedModel {
    private final URI baseUrl;
    private final String name;
    private final OpenAiClient client;
    private final List<OpenAiEngine> engines = Collections.synchronizedList(new ArrayList<>());

    /** {@code name}: the model's name on the server; the API key comes from $ASYNCLM_API_KEY. */
    ServedModel(URI baseUrl, String name) {
        this.baseUrl = baseUrl;
        this.name = name;
        this.client = new OpenAiClient(OpenAiServer.of(baseUrl, name));
    }

    /** A new engine on the model, greedy unless {@code temperature} > 0. */
    OpenAiEngine engine(Tokenizer tok, int maxTokens, double temperature, double topP, long seed) {
        OpenAiEngine e = new OpenAiEngine(client, tok, new OpenAiClient.Sampling(temperature, topP, seed), maxTokens);
        engines.add(e);
        return e;
    }

    /** What the requests of every engine made so far measured. */
    ServerRequests requests() {
        synchronized (engines) {
            return ServerRequests.of(baseUrl.toString(), name,
                    engines.stream().flatMap(e -> e.requests().stream()).toList(),
                    engines.stream().mapToInt(OpenAiEngine::refusedTokens).sum());
        }
    }

    /** A server's cache cannot be appended to from outside: every interrupt is a new request, so async is async-naive. */
    static List<Method> overHttp(List<Method> methods) {
        return methods.stream().map(m -> m == Method.ASYNC ? Method.ASYNC_NAIVE : m).distinct().toList();
    }
}
