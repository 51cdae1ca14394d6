package org.asynclm.model.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.asynclm.cml.CmlEvent;
import org.asynclm.cml.CmlParser;
import org.asynclm.runtime.CacheAction;
import org.asynclm.runtime.CacheCosts;
import org.asynclm.runtime.CostModel;
import org.asynclm.runtime.Method;
import org.asynclm.runtime.Outcome;
import org.asynclm.runtime.Session;
import org.asynclm.runtime.SessionConfig;
import org.asynclm.runtime.clock.VirtualClock;
import org.asynclm.runtime.exec.VirtualToolExecutor;
import org.asynclm.runtime.tokens.ByteTokenizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LlamaEngineTest {
    @TempDir
    static Path dir;
    private static Llama model;
    private static final ByteTokenizer TOK = new ByteTokenizer();

    @BeforeAll
    static void load() throws Exception {
        Path out = dir.resolve("tiny-gqa");
        TinyModel.write(out, TinyModel.preset(Path.of("../configs/model/tiny-gqa.yaml")), "tiny-gqa", 4);
        model = Llama.load(out, Device.cpu());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    @Test
    void greedyWithTheCacheEqualsRecomputingEveryStep() {
        int[] prompt = TOK.encode("<|begin_of_text|>Hello, model.");
        List<Integer> recomputed = new ArrayList<>();
        List<Integer> context = new ArrayList<>();
        for (int p : prompt) {
            context.add(p);
        }
        for (int step = 0; step < 30; step++) {
            try (Llama.Cache fresh = model.newCache()) {
                float[][] l = model.forward(fresh, context.stream().mapToInt(Integer::intValue).toArray());
                int t = argmax(l[l.length - 1]);
                recomputed.add(t);
                context.add(t);
            }
        }
        List<Integer> cached = new ArrayList<>();
        try (LlamaEngine engine = new LlamaEngine(model, Sampler.greedy())) {
            engine.prefill(prompt);
            for (int step = 0; step < 30; step++) {
                cached.add(engine.decode(id -> true));
            }
        }
        assertEquals(recomputed, cached);
    }

    @Test
    void anInterruptAppendedToTheCacheMeansTheSameAsReprefilling() {
        int[] prompt = TOK.encode("<|begin_of_text|>[CALL]a[HEAD]get_weather(city='Oslo')[END]");
        int[] interrupt = TOK.encode("[INTR]a[HEAD]{\"temp_c\": -3}[END]");
        float[][] next = new float[3][];
        CacheAction[] actions = {CacheAction.KEEP, CacheAction.DROP, CacheAction.SWAP};
        for (int k = 0; k < 3; k++) {
            try (LlamaEngine engine = new LlamaEngine(model, Sampler.greedy())) {
                engine.prefill(prompt);
                engine.decode(id -> true);
                engine.cache(actions[k]);
                engine.append(interrupt);
                next[k] = engine.nextLogits();
                assertEquals(prompt.length + 1 + interrupt.length, engine.contextLength());
            }
        }
        for (int k = 1; k < 3; k++) {
            double worst = 0;
            for (int v = 0; v < next[0].length; v++) {
                worst = Math.max(worst, Math.abs(next[0][v] - next[k][v]));
            }
            assertTrue(worst < 1e-4, actions[k] + " differs by " + worst);
        }
    }

    /** A prompt longer than a prefill slice goes in slices; the next-token logits are those of one whole forward. */
    @Test
    void aLongPromptPrefilledInSlicesMeansTheSameAsOneForward() {
        StringBuilder text = new StringBuilder("<|begin_of_text|>");
        while (text.length() < 3 * LlamaEngine.PREFILL_SLICE + 100) {
            text.append("The backends answer each call; ");
        }
        int[] prompt = TOK.encode(text.toString());
        float[] whole;
        try (Llama.Cache cache = model.newCache()) {
            float[][] logits = model.forward(cache, prompt);
            whole = logits[logits.length - 1];
        }
        try (LlamaEngine engine = new LlamaEngine(model, Sampler.greedy())) {
            engine.prefill(prompt);
            assertEquals(prompt.length, engine.contextLength());
            double worst = 0;
            for (int v = 0; v < whole.length; v++) {
                worst = Math.max(worst, Math.abs(whole[v] - engine.nextLogits()[v]));
            }
            assertTrue(worst < 1e-4, "sliced prefill differs by " + worst);
        }
    }

    @Test
    void underTheMaskEvenARandomModelNeverBreaksCml() throws Exception {
        VirtualClock clock = new VirtualClock();
        try (LlamaEngine engine = new LlamaEngine(model, new Sampler(1.0, 1.0, 7));
             VirtualToolExecutor ex = new VirtualToolExecutor(clock, 0)) {
            Session s = new Session(engine, TOK, clock, ex, Map.of(),
                    new SessionConfig(Method.ASYNC, CostModel.local(5, 0), CacheCosts.SINGLE_USER, 400), null);
            Outcome o = s.run(TOK.encode("<|begin_of_text|>"));
            assertTrue(o.errors().stream().noneMatch(e -> e.contains("CML violation") || e.contains("may not write")),
                    o.errors().toString());
            CmlParser p = new CmlParser();
            for (CmlEvent e : p.feed(o.transcript().replaceAll("\\[INTR\\][a-z_]+\\[HEAD\\][^\\[]*\\[END\\]", ""))) {
                assertTrue(!(e instanceof CmlEvent.Violation), e.toString());
            }
        }
    }

    @Test
    void seededSamplingRepeats() {
        int[] prompt = TOK.encode("<|begin_of_text|>");
        int[][] runs = new int[2][20];
        for (int r = 0; r < 2; r++) {
            try (LlamaEngine engine = new LlamaEngine(model, new Sampler(0.8, 0.9, 42))) {
                engine.prefill(prompt);
                for (int i = 0; i < 20; i++) {
                    runs[r][i] = engine.decode(id -> true);
                }
            }
        }
        assertArrayEquals(runs[0], runs[1]);
    }
}
