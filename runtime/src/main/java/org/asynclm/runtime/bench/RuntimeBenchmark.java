package org.asynclm.runtime.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.Map;
import org.asynclm.cml.CmlWriter;
import org.asynclm.runtime.CacheAction;
import org.asynclm.runtime.CacheCosts;
import org.asynclm.runtime.CostModel;
import org.asynclm.runtime.Engine;
import org.asynclm.runtime.EndState;
import org.asynclm.runtime.Method;
import org.asynclm.runtime.Outcome;
import org.asynclm.runtime.Session;
import org.asynclm.runtime.SessionConfig;
import org.asynclm.runtime.TokenFilter;
import org.asynclm.runtime.clock.VirtualClock;
import org.asynclm.runtime.exec.Invocation;
import org.asynclm.runtime.exec.Tool;
import org.asynclm.runtime.exec.VirtualToolExecutor;
import org.asynclm.runtime.timeline.Timeline;
import org.asynclm.runtime.tokens.ByteTokenizer;
import org.asynclm.runtime.tokens.Tokenizer;

/**
 * The runtime's own cost per token and per interrupt: a null engine replays a fixed token stream (free text with an
 * async call every {@code textTokens} tokens) against instant tools on a zero-cost virtual clock, and the time
 * between consecutive decode steps is what the runtime spent. A step in which a call closed and its result was
 * injected counts as one interrupt; every other step as one token.
 */
public final class RuntimeBenchmark {

    public record Result(long tokens, long interrupts, double nsPerTokenP50, double nsPerTokenP99,
                         double usPerInterruptP50, double usPerInterruptP99) {
    }

    private RuntimeBenchmark() {
    }

    public static Result run(int calls, int textTokens, int rounds) {
        Tokenizer tokenizer = new ByteTokenizer();
        int[] script = script(tokenizer, calls, textTokens);
        Result last = null;
        for (int r = 0; r < rounds; r++) { // earlier rounds warm the JIT; the last one is reported
            last = once(tokenizer, script);
        }
        return last;
    }

    private static int[] script(Tokenizer tokenizer, int calls, int textTokens) {
        StringBuilder sb = new StringBuilder();
        String filler = "The model keeps decoding while its tools run. ";
        for (int c = 0; c < calls; c++) {
            int n = 0;
            while (n < textTokens) {
                sb.append(filler, 0, Math.min(filler.length(), textTokens - n));
                n += filler.length();
            }
            sb.append(CmlWriter.call("c" + c, "noop", Map.of("x", (long) c)));
        }
        sb.append("Done.");
        int[] body = tokenizer.encode(sb.toString());
        int[] script = Arrays.copyOf(body, body.length + 1);
        script[body.length] = tokenizer.endOfTurnId();
        return script;
    }

    private static Result once(Tokenizer tokenizer, int[] script) {
        VirtualClock clock = new VirtualClock();
        ReplayEngine engine = new ReplayEngine(script);
        Tool noop = new Tool() {
            private final ObjectNode schema = JsonNodeFactory.instance.objectNode().put("name", "noop");
            private final ObjectNode result = JsonNodeFactory.instance.objectNode().put("ok", true);

            @Override
            public String name() {
                return "noop";
            }

            @Override
            public ObjectNode schema() {
                return schema;
            }

            @Override
            public Object invoke(Invocation invocation) {
                return result;
            }
        };
        try (VirtualToolExecutor executor = new VirtualToolExecutor(clock, 0)) {
            Session session = new Session(engine, tokenizer, clock, executor, Map.of("noop", noop),
                    new SessionConfig(Method.ASYNC, new CostModel(0, 0, CostModel.Deployment.LOCAL, 0),
                            CacheCosts.SINGLE_USER, script.length + 1), Timeline.NONE);
            Outcome outcome = session.run(new int[] {0});
            if (outcome.endState() != EndState.DONE || !outcome.errors().isEmpty()) {
                throw new IllegalStateException("benchmark run failed: " + outcome.errors());
            }
        }
        return engine.result();
    }

    /** Replays a script and times the gaps between decode calls, marking gaps that contained an append. */
    private static final class ReplayEngine implements Engine {
        private final int[] script;
        private final long[] gaps;
        private final boolean[] injected;
        private int next;
        private long lastReturn = -1;
        private boolean appendedSinceDecode;
        private int context;

        ReplayEngine(int[] script) {
            this.script = script;
            this.gaps = new long[script.length];
            this.injected = new boolean[script.length];
        }

        @Override
        public void prefill(int[] prompt) {
            context = prompt.length;
        }

        @Override
        public int decode(TokenFilter allowed) {
            long now = System.nanoTime();
            if (lastReturn >= 0) {
                gaps[next] = now - lastReturn;
                injected[next] = appendedSinceDecode;
            }
            appendedSinceDecode = false;
            int token = script[next++];
            if (!allowed.allows(token)) {
                throw new IllegalStateException("script breaks CML at token " + (next - 1));
            }
            context++;
            lastReturn = System.nanoTime();
            return token;
        }

        @Override
        public void append(int[] tokens) {
            appendedSinceDecode = true;
            context += tokens.length;
        }

        @Override
        public void cache(CacheAction action) {
        }

        @Override
        public int contextLength() {
            return context;
        }

        Result result() {
            long[] tokens = new long[next];
            long[] interrupts = new long[next];
            int nt = 0;
            int ni = 0;
            for (int k = 1; k < next; k++) {
                if (injected[k]) {
                    interrupts[ni++] = gaps[k];
                } else {
                    tokens[nt++] = gaps[k];
                }
            }
            long[] t = Arrays.copyOf(tokens, nt);
            long[] i = Arrays.copyOf(interrupts, ni);
            Arrays.sort(t);
            Arrays.sort(i);
            return new Result(nt, ni, pct(t, 0.50), pct(t, 0.99), pct(i, 0.50) / 1000, pct(i, 0.99) / 1000);
        }

        private static double pct(long[] sorted, double q) {
            if (sorted.length == 0) {
                return 0;
            }
            return sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
        }
    }
}
