package org.asynclm.runtime.remote;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import org.asynclm.runtime.CacheAction;
import org.asynclm.runtime.Engine;
import org.asynclm.runtime.TokenFilter;
import org.asynclm.runtime.tokens.Tokenizer;

/**
 * A model behind an OpenAI-compatible server as the runtime's engine. The context is kept here as ids and sent as
 * text (the markers spelled as the model's tokenizer knows them) to {@code /v1/completions}, whose streamed text
 * becomes ids again ({@link StreamTokens}). A server's cache cannot be appended to from outside, so whatever the
 * runtime adds (an interrupt, a result) and every wait close the stream, and the next token opens a new request
 * on the extended prompt: Async-Naive over HTTP, made cheap by the server's prefix cache. Each request's time to
 * first token and speed are measured on the wall clock.
 *
 * <p>A server cannot be told the runtime's constraints. A token the runtime refuses (the model writing [INTR]
 * itself, say) ends the turn: it is counted, the stream is closed and the engine returns end-of-turn.
 */
public final class OpenAiEngine implements Engine {
    private final OpenAiClient client;
    private final Tokenizer tokenizer;
    private final OpenAiClient.Sampling sampling;
    private final int maxTokensPerRequest;
    private final List<Integer> context = new ArrayList<>();
    private final Deque<Integer> ready = new ArrayDeque<>();
    private final List<Request> requests = new ArrayList<>();
    private CompletionStream stream;
    private StreamTokens pieces;
    private OpenRequest current;
    private boolean stopped;
    private int refused;

    /** One request: when it was sent, when its first text came, when it ended, and the tokens it brought. */
    public record Request(long sentNanos, long firstTextNanos, long endNanos, int tokens, String finishReason) {
        public double ttftMs() {
            return firstTextNanos < 0 ? -1 : (firstTextNanos - sentNanos) / 1e6;
        }

        /** Tokens after the first, per second of streaming; 0 when it brought fewer than two. */
        public double tokensPerSecond() {
            return tokens < 2 || endNanos <= firstTextNanos ? 0 : (tokens - 1) / ((endNanos - firstTextNanos) / 1e9);
        }
    }

    /** The request being streamed: what becomes its {@link Request} when it ends. */
    private static final class OpenRequest {
        final long sentNanos = System.nanoTime();
        long firstTextNanos = -1;
        int tokens;

        Request end(String finishReason) {
            return new Request(sentNanos, firstTextNanos, System.nanoTime(), tokens, finishReason);
        }
    }

    public OpenAiEngine(OpenAiClient client, Tokenizer tokenizer, OpenAiClient.Sampling sampling,
                        int maxTokensPerRequest) {
        this.client = client;
        this.tokenizer = tokenizer;
        this.sampling = sampling;
        this.maxTokensPerRequest = maxTokensPerRequest;
    }

    @Override
    public void prefill(int[] prompt) {
        restart();
        context.clear();
        for (int t : prompt) {
            context.add(t);
        }
    }

    @Override
    public int decode(TokenFilter allowed) {
        while (ready.isEmpty() && !stopped) {
            pull();
        }
        int token = ready.isEmpty() ? tokenizer.endOfTurnId() : ready.poll();
        if (!allowed.allows(token) && token != tokenizer.endOfTurnId()) {
            refused++;
            restart();
            token = tokenizer.endOfTurnId();
        }
        context.add(token);
        return token;
    }

    /** Reads from the open stream, opening one first if there is none; ends the request when the stream does. */
    private void pull() {
        if (stream == null) {
            current = new OpenRequest();
            pieces = new StreamTokens(tokenizer);
            int room = maxContext() - context.size();
            stream = client.complete(prompt(), Math.max(1, Math.min(maxTokensPerRequest, room)), sampling);
        }
        String text = stream.next();
        if (text != null) {
            if (current.firstTextNanos < 0) {
                current.firstTextNanos = System.nanoTime();
            }
            List<Integer> ids = pieces.feed(text);
            current.tokens += ids.size();
            ready.addAll(ids);
            return;
        }
        List<Integer> rest = pieces.finish();
        current.tokens += rest.size();
        ready.addAll(rest);
        String why = stream.finishReason();
        finishRequest(why);
        // "length": the request's budget is spent, not the turn's, and the next token opens another request; but a
        // request that brought nothing would bring nothing again
        stopped = !"length".equals(why) || requests.get(requests.size() - 1).tokens() == 0;
    }

    private void finishRequest(String why) {
        if (current != null) {
            requests.add(current.end(why));
        }
        current = null;
        if (stream != null) {
            stream.close();
        }
        stream = null;
    }

    /** The context as the server's tokenizer must read it. */
    private String prompt() {
        Tokenizer.TextDecoder d = tokenizer.newDecoder();
        StringBuilder text = new StringBuilder();
        for (int id : context) {
            text.append(d.next(id));
        }
        return tokenizer.vocabularyText(text.toString());
    }

    @Override
    public void append(int[] tokens) {
        restart();
        for (int t : tokens) {
            context.add(t);
        }
    }

    /** A wait: the server would go on writing past what the runtime has read, so the stream is closed. */
    @Override
    public void cache(CacheAction action) {
        restart();
    }

    /** Closes the stream and forgets what it brought that the runtime has not read. */
    private void restart() {
        if (stream != null) {
            finishRequest("closed by the runtime");
        }
        ready.clear();
        stopped = false;
    }

    @Override
    public int contextLength() {
        return context.size();
    }

    /** The server's context length when it says (the runtime ends a turn that reaches it); unbounded otherwise. */
    @Override
    public int maxContext() {
        int n = client.contextLength();
        return n > 0 ? n : Integer.MAX_VALUE;
    }

    /** Every request so far, in order. */
    public List<Request> requests() {
        return Collections.unmodifiableList(requests);
    }

    /** Tokens from the server that the runtime refused, each of which ended a turn. */
    public int refusedTokens() {
        return refused;
    }

    @Override
    public void close() {
        restart();
    }
}
