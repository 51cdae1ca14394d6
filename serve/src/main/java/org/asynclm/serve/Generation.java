package org.asynclm.serve;

import java.util.ArrayList;
import java.util.List;
import org.asynclm.cml.CmlEvent;
import org.asynclm.model.llama.Llama;
import org.asynclm.model.llama.LlamaEngine;
import org.asynclm.model.llama.Sampler;
import org.asynclm.runtime.TokenMonitor;
import org.asynclm.runtime.tokens.Tokenizer;

/**
 * One completion on the local Llama, token by token, written as the runtime lets a model write: a fresh CML monitor
 * masks what may not come next ([INTR] never; no end of turn inside a block), so that a client running the runtime
 * over HTTP reads what the in-process engine would have written. A request starts outside any block: the runtime
 * sends a new request only at a block boundary.
 */
final class Generation {

    /** Where the text goes as it is written; false: the client is gone, stop. */
    @FunctionalInterface
    interface Sink {
        boolean accept(String text);
    }

    /** The whole text, why it ended ("stop", "length", or "disconnected") and the token counts. */
    record Result(String text, String finishReason, int promptTokens, int completionTokens) {
    }

    private Generation() {
    }

    static Result run(Llama llama, CompletionRequest r, Sink sink) throws BadRequest {
        Tokenizer tok = llama.tokenizer();
        int[] prompt = tok.encode(r.prompt());
        int context = llama.config().maxPositions();
        if (prompt.length == 0) {
            throw BadRequest.invalid("prompt: empty");
        }
        if (prompt.length + r.maxTokens() > context) {
            throw BadRequest.invalid("the prompt's " + prompt.length + " tokens and max_tokens " + r.maxTokens()
                    + " exceed the model's context of " + context + " tokens");
        }
        Sampler sampler = r.temperature() == 0 ? Sampler.greedy() : new Sampler(r.temperature(), r.topP(), r.seed());
        StopStrings stops = new StopStrings(r.stop());
        TokenMonitor monitor = new TokenMonitor(tok);
        List<CmlEvent> events = new ArrayList<>();
        int written = 0;
        try (LlamaEngine engine = new LlamaEngine(llama, sampler)) {
            engine.prefill(prompt);
            while (written < r.maxTokens()) {
                int token = engine.decode(monitor);
                written++;
                if (token == tok.endOfTurnId()) {
                    return finish(stops, sink, "stop", prompt.length, written);
                }
                events.clear();
                String piece = monitor.accept(token, events);
                StopStrings.Step step = stops.feed(piece);
                if (!step.ready().isEmpty() && !sink.accept(step.ready())) {
                    return new Result(stops.text(), "disconnected", prompt.length, written);
                }
                if (step.stopped()) {
                    return new Result(stops.text(), "stop", prompt.length, written);
                }
            }
        }
        return finish(stops, sink, "length", prompt.length, written);
    }

    private static Result finish(StopStrings stops, Sink sink, String why, int prompt, int written) {
        String rest = stops.flush();
        if (!rest.isEmpty() && !sink.accept(rest)) {
            return new Result(stops.text(), "disconnected", prompt, written);
        }
        return new Result(stops.text(), why, prompt, written);
    }
}
