package org.asynclm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.asynclm.datagen.Sources;
import org.asynclm.datagen.config.ConfigLoader;
import org.asynclm.datagen.config.DatagenConfig;
import org.asynclm.datagen.trace.TraceGenerator;
import org.asynclm.eval.learning.LearningMetrics;
import org.asynclm.eval.learning.RunCheck;
import org.asynclm.runtime.CallRecord;
import org.asynclm.runtime.Method;
import org.asynclm.runtime.Outcome;
import org.asynclm.runtime.files.ContentHash;
import org.asynclm.runtime.timeline.Timeline;
import org.asynclm.runtime.tokens.ByteTokenizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The learning check: the teacher passes it, damaged runs fail the right rate, an untrained model fails it. */
class EvalSyntheticTest {
    @TempDir
    static Path dir;

    private static final List<TraceGenerator.Case> CASES = new ArrayList<>();
    private static final List<Outcome> TEACHER = new ArrayList<>();

    @BeforeAll
    static void teacherRuns() throws Exception {
        DatagenConfig c = ConfigLoader.load(Path.of("../configs/datagen/synthetic.yaml"), List.of("seed=5"));
        TraceGenerator g = new TraceGenerator(c, new ByteTokenizer(), "byte", Sources.create(c));
        for (int i = 0; i < 100; i++) {
            TraceGenerator.Case k = g.prepare(i);
            CASES.add(k);
            TEACHER.add(k.simulator().run(k.prepared(), Method.ASYNC, Timeline.NONE));
        }
    }

    private static long sync(int i) {
        TraceGenerator.Case k = CASES.get(i);
        return k.simulator().run(k.prepared(), Method.SYNC, Timeline.NONE).makespanNanos();
    }

    @Test
    void theTeacherPassesEveryCheckAtItsOwnSpeed() {
        List<RunCheck> runs = new ArrayList<>();
        for (int i = 0; i < CASES.size(); i++) {
            runs.add(RunCheck.of(CASES.get(i).task().scenario(), TEACHER.get(i), TEACHER.get(i), sync(i)));
        }
        LearningMetrics m = LearningMetrics.of(runs);
        assertEquals(1.0, m.cmlValidRate());
        assertEquals(1.0, m.allCallsOnceRate());
        assertEquals(1.0, m.dependencyOkRate());
        assertEquals(1.0, m.scenarioOkRate());
        assertEquals(1.0, m.makespanRatioVsTeacher(), 1e-12);
        assertTrue(m.makespanRatioVsSync() < 1.0, "async beats sync: " + m.makespanRatioVsSync());
    }

    /** One value copied wrong: the calls are all there, the task is not done. */
    @Test
    void aWrongArgumentFailsTheTaskButNotTheShape() {
        int i = firstWithDependencies();
        Outcome t = TEACHER.get(i);
        List<CallRecord> calls = new ArrayList<>(t.calls());
        CallRecord last = calls.get(calls.size() - 1);
        String body = last.body().replaceFirst("='[^']*'", "='WRONG'").replaceFirst("=\\[[^]]*]", "=['WRONG']");
        calls.set(calls.size() - 1, new CallRecord(last.id(), last.function(), body, last.blockStart(),
                last.blockEnd(), last.startedAt(), last.arrivedAt(), last.injectedAt(), true));
        Outcome damaged = new Outcome(t.method(), t.endState(), t.makespanNanos(), t.lastResultNanos(),
                t.decodeNanos(), t.idleNanos(), t.prefillTokens(), t.interrupts(), t.traps(), t.generatedTokens(),
                t.unfinishedCalls(), calls, t.segments(), t.errors());
        RunCheck r = RunCheck.of(CASES.get(i).task().scenario(), damaged, t, sync(i));
        assertTrue(r.cmlValid());
        assertTrue(r.allCallsOnce());
        assertFalse(r.ok(), body);
    }

    /** A call written before the result it copies from had arrived breaks the dependency check. */
    @Test
    void aCallWrittenTooEarlyFailsTheDependencyCheck() {
        int i = firstWithDependencies();
        Outcome t = TEACHER.get(i);
        List<CallRecord> calls = new ArrayList<>();
        for (CallRecord c : t.calls()) {
            calls.add(new CallRecord(c.id(), c.function(), c.body(), 0, c.blockEnd(), c.startedAt(), c.arrivedAt(),
                    c.injectedAt(), c.error()));
        }
        Outcome early = new Outcome(t.method(), t.endState(), t.makespanNanos(), t.lastResultNanos(),
                t.decodeNanos(), t.idleNanos(), t.prefillTokens(), t.interrupts(), t.traps(), t.generatedTokens(),
                t.unfinishedCalls(), calls, t.segments(), t.errors());
        RunCheck r = RunCheck.of(CASES.get(i).task().scenario(), early, t, sync(i));
        assertTrue(r.allCallsOnce());
        assertFalse(r.dependenciesOk());
        assertFalse(r.ok());
    }

    private static int firstWithDependencies() {
        for (int i = 0; i < CASES.size(); i++) {
            if (CASES.get(i).task().scenario().calls().stream().anyMatch(c -> !c.deps().isEmpty())) {
                return i;
            }
        }
        throw new AssertionError("no task with dependencies");
    }

    @Test
    void anUntrainedModelFailsAndTheCommandSaysSo() throws Exception {
        Path model = dir.resolve("tiny");
        assertEquals(0, CliTest.run("init-model", "--preset", "../configs/model/tiny.yaml", "--out", model.toString())
                .code());
        Path out = dir.resolve("eval.json");
        CliTest.Result r = CliTest.run("eval", "synthetic", "--model", model.toString(), "--n", "2", "--seed", "3",
                "--max-tokens", "40", "--out", out.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode n = new ObjectMapper().readTree(r.out());
        assertEquals(2, n.get("n").asInt());
        assertEquals(0.0, n.get("scenario_ok_rate").asDouble());
        assertTrue(n.get("makespan_ratio_vs_teacher").isNull());
        JsonNode report = new ObjectMapper().readTree(out.toFile());
        assertEquals(ContentHash.ofModel(model), report.at("/settings/model_sha256").asText());
        JsonNode runs = report.get("runs");
        assertEquals(2, runs.size());
        assertTrue(runs.get(0).get("errors").toString().contains("generation stopped at the limit of 40 tokens"),
                runs.get(0).toString());
        CliTest.Result bad = CliTest.run("eval", "synthetic", "--model", model.toString(), "--set",
                "source=bfcl-parallel");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("eval synthetic needs source synthetic"), bad.err());
    }
}
