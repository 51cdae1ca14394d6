package org.asynclm.datagen.trace;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.asynclm.cml.Block;
import org.asynclm.cml.BlockKind;
import org.asynclm.cml.CmlEvent;
import org.asynclm.cml.CmlParser;
import org.asynclm.cml.CmlToken;
import org.asynclm.cml.CmlWriter;
import org.asynclm.cml.PyCall;
import org.asynclm.cml.PySyntaxException;
import org.asynclm.runtime.BadInputException;
import org.asynclm.runtime.Method;
import org.asynclm.runtime.files.TextLines;
import org.asynclm.runtime.tokens.ByteTokenizer;
import org.asynclm.runtime.tokens.TokenizerChoice;
import org.asynclm.runtime.trace.TraceLine;

/**
 * Checks native traces: each is re-parsed with the CML parser and its timing replayed from its own segments. A
 * trace is valid when no interrupt sits inside a block, every call is written only after the results it depends on
 * were injected, every call with an id gets exactly one interrupt, no interrupt is injected before its call could
 * have finished, and the replayed makespan equals the recorded one. Two rules make the task well posed: no call is
 * written twice with the same body unless the first attempt got an error (a retry), and, for synthetic tasks, every
 * argument value of every call was stated by the user or came in a result injected before the call was written.
 * (BFCL's ground truth may normalise what its questions say, so the second rule is not applied to its tasks.)
 */
public final class TraceValidator {
    private static final double EPS_MS = 1e-6;
    private static final ByteTokenizer BYTES = new ByteTokenizer();

    /** Counts per kind of failure, and the first failures as "file:line: message". */
    public record Report(int traces, int valid, Map<String, Integer> failures, List<String> examples) {
        public boolean ok() {
            return traces > 0 && valid == traces;
        }
    }

    private TraceValidator() {
    }

    public static Report validate(Path file) throws BadInputException {
        int[] counts = new int[2]; // traces, valid
        Map<String, Integer> failures = new TreeMap<>();
        List<String> examples = new ArrayList<>();
        TextLines.forEach(file, (n, line) -> {
            counts[0]++;
            List<Problem> problems = check(line);
            if (problems.isEmpty()) {
                counts[1]++;
            }
            for (Problem p : problems) {
                failures.merge(p.kind(), 1, Integer::sum);
                if (examples.size() < 20) {
                    examples.add(file + ":" + n + ": " + p.message());
                }
            }
        });
        return new Report(counts[0], counts[1], failures, examples);
    }

    record Problem(String kind, String message) {
    }

    static List<Problem> check(String line) {
        List<Problem> out = new ArrayList<>();
        TraceLine t;
        try {
            t = TraceLine.parse(line);
        } catch (BadInputException e) {
            boolean schema = e.getMessage().startsWith("schema:");
            out.add(new Problem(schema ? "schema" : "malformed", e.getMessage()
                    + (schema ? " (only native traces validate)" : "")));
            return out;
        }
        try {
            new Replay(t, out).run();
        } catch (RuntimeException e) {
            out.add(new Problem("malformed", "unreadable trace (" + e.getClass().getSimpleName() + ")"));
        }
        return out;
    }

    /** Walks the assistant segments in order, keeping the parser state and the virtual time. */
    private static final class Replay {
        private final TraceLine t;
        private final List<Problem> out;
        private final Map<String, List<String>> deps = new HashMap<>();
        private final Map<String, Double> exec = new HashMap<>();
        private final List<Double> followUps = new ArrayList<>();
        private final Map<String, Double> issued = new HashMap<>();
        private final Set<String> injected = new HashSet<>();
        private final Map<String, Integer> interrupts = new HashMap<>();
        private final CmlParser parser = new CmlParser();
        /** Call bodies written so far, and whether each one's interrupt was an error (null: not yet injected). */
        private final Map<String, String> bodies = new HashMap<>();
        private final Map<String, Boolean> failed = new HashMap<>();
        /** What the model could have read when writing: the user's words and the results injected so far. */
        private final StringBuilder known = new StringBuilder();
        private boolean statedRule;
        /** Under Sync generation waits after every call, as it does after a trap under Async. */
        private boolean sync;

        Replay(TraceLine t, List<Problem> out) {
            this.t = t;
            this.out = out;
        }

        void run() {
            for (TraceLine.DagCall d : t.dag()) {
                deps.put(d.id(), d.deps());
                exec.put(d.id(), d.execMs());
            }
            t.followUps().forEach(f -> followUps.add(f.atMs()));
            statedRule = "synthetic".equals(t.source());
            sync = t.method() == Method.SYNC;
            known.append(t.user());
            double tpot = t.tpotMs();
            double prefill = t.prefillMsPerToken();
            boolean byteTokens = TokenizerChoice.BYTE.equals(t.tokenizer());
            double now = 0;
            double lastToken = 0;
            boolean trapped = false;
            int usersSeen = 0;
            for (TraceLine.Segment seg : t.assistant()) {
                String text = seg.text();
                int tokens = seg.tokens();
                if (byteTokens && BYTES.count(text) != tokens) {
                    out.add(new Problem("tokens", "segment '" + abbreviate(text) + "' has " + BYTES.count(text)
                            + " byte tokens, not " + tokens));
                }
                if (seg.model()) {
                    now += tokens * tpot;
                    lastToken = now;
                    for (CmlEvent e : parser.feed(text)) {
                        trapped |= modelEvent(e, now);
                    }
                    continue;
                }
                if (parser.inCriticalSection()) {
                    out.add(new Problem("interrupt-in-block", "interrupt '" + abbreviate(text)
                            + "' injected inside a control block"));
                }
                List<Block> blocks = closedBlocks(parser.feed(text));
                if (blocks.size() != 1 || blocks.get(0).kind() != BlockKind.INTERRUPT) {
                    out.add(new Problem("cml", "interrupt segment is not one interrupt block: " + abbreviate(text)));
                    continue;
                }
                String id = blocks.get(0).id();
                known.append('\n').append(blocks.get(0).body());
                if (!CmlToken.USER_ID.equals(id)) {
                    failed.putIfAbsent(id, CmlWriter.isError(blocks.get(0).body()));
                }
                double arrival;
                if (CmlToken.USER_ID.equals(id)) {
                    arrival = usersSeen < followUps.size() ? followUps.get(usersSeen++) : Double.NaN;
                } else {
                    Double start = issued.get(id);
                    arrival = start == null || !exec.containsKey(id) ? Double.NaN : start + exec.get(id);
                    interrupts.merge(id, 1, Integer::sum);
                    injected.add(id);
                }
                if (Double.isNaN(arrival)) {
                    out.add(new Problem("interrupt-unknown", "interrupt for '" + id + "', which was never started"));
                } else if (arrival > now + EPS_MS) {
                    if (trapped) {
                        now = arrival; // the model waited in its trap for this interrupt
                    } else {
                        out.add(new Problem("interrupt-early", "interrupt for '" + id + "' injected at "
                                + fmt(now) + " ms, before the result arrived at " + fmt(arrival) + " ms"));
                    }
                }
                // An interrupt ends a trap's wait; under Sync only the awaited result ends it, not the user's words.
                trapped = sync && CmlToken.USER_ID.equals(id) && trapped;
                now += tokens * prefill;
            }
            List<CmlEvent> tail = new ArrayList<>();
            parser.finish(tail);
            for (CmlEvent e : tail) {
                modelEvent(e, lastToken);
            }
            for (String id : deps.keySet()) {
                int count = interrupts.getOrDefault(id, 0);
                if (!issued.containsKey(id)) {
                    out.add(new Problem("call-missing", "call '" + id + "' of the DAG is never written"));
                } else if (count != 1) {
                    out.add(new Problem("interrupt-count", "call '" + id + "' got " + count + " interrupts, not 1"));
                }
            }
            double recorded = t.makespanMs();
            if (Math.abs(recorded - lastToken) > EPS_MS) {
                out.add(new Problem("makespan", "replayed makespan " + fmt(lastToken) + " ms differs from the recorded "
                        + fmt(recorded) + " ms"));
            }
        }

        /**
         * A repeated body is a retry only after an error; an argument value must be in what the model had read. An
         * unparsable body is left to the runtime's own errors.
         */
        private void wellPosed(String id, String body) {
            for (Map.Entry<String, String> e : bodies.entrySet()) {
                if (e.getValue().equals(body) && !Boolean.TRUE.equals(failed.get(e.getKey()))) {
                    out.add(new Problem("repeated-call", "call '" + id + "' repeats call '" + e.getKey()
                            + "' (" + abbreviate(body) + "), which did not fail"));
                }
            }
            bodies.put(id, body);
            if (!statedRule) {
                return;
            }
            PyCall call;
            try {
                call = PyCall.parseCallBody(body);
            } catch (PySyntaxException ex) {
                return;
            }
            String read = known.toString();
            for (Map.Entry<String, Object> a : call.keywords().entrySet()) {
                List<String> values = new ArrayList<>();
                leaves(a.getValue(), values);
                for (String v : values) {
                    if (!read.contains(v)) {
                        out.add(new Problem("unstated-argument", "call '" + id + "': " + a.getKey() + "=" + v
                                + " was neither asked for nor returned before the call"));
                    }
                }
            }
        }

        /** Returns true when the model may wait after the event: a trap, or under Sync a call. */
        private boolean modelEvent(CmlEvent e, double now) {
            switch (e) {
                case CmlEvent.Violation v -> out.add(new Problem("cml", "CML violation at character " + v.offset()
                        + ": " + v.message()));
                case CmlEvent.Closed c when c.block().kind() == BlockKind.CALL -> {
                    String id = c.block().id();
                    if (id == null) {
                        return false;
                    }
                    if (issued.put(id, now) != null) {
                        out.add(new Problem("duplicate-call", "call id '" + id + "' written twice"));
                    }
                    wellPosed(id, c.block().body());
                    for (String d : deps.getOrDefault(id, List.of())) {
                        if (!injected.contains(d)) {
                            out.add(new Problem("dependency", "call '" + id + "' written before the result of '" + d
                                    + "' was injected"));
                        }
                    }
                    return sync;
                }
                case CmlEvent.Closed c when c.block().kind() == BlockKind.TRAP -> {
                    return true;
                }
                case CmlEvent.Closed c -> out.add(new Problem("cml", "the model wrote an interrupt"));
                default -> {
                }
            }
            return false;
        }
    }

    /** Every string or number inside an argument value, as text. */
    private static void leaves(Object value, List<String> out) {
        if (value instanceof List<?> list) {
            list.forEach(x -> leaves(x, out));
        } else if (value instanceof Map<?, ?> map) {
            map.values().forEach(x -> leaves(x, out));
        } else if (value instanceof String || value instanceof Number) {
            out.add(String.valueOf(value));
        }
    }

    private static List<Block> closedBlocks(List<CmlEvent> events) {
        List<Block> out = new ArrayList<>();
        for (CmlEvent e : events) {
            if (e instanceof CmlEvent.Closed c) {
                out.add(c.block());
            }
        }
        return out;
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    private static String fmt(double ms) {
        return String.format(Locale.ROOT, "%.6f", ms);
    }
}
