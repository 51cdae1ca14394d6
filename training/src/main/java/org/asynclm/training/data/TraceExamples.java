package org.asynclm.training.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.asynclm.cml.CmlParser;
import org.asynclm.cml.CmlToken;
import org.asynclm.runtime.BadInputException;
import org.asynclm.runtime.config.ConfigName;
import org.asynclm.runtime.files.TextLines;
import org.asynclm.runtime.prompt.ChatPrompt;
import org.asynclm.runtime.tokens.Tokenizer;
import org.asynclm.runtime.trace.TraceLine;

/**
 * Native traces ({@code asynclm.trace/1}) as training examples in the model's chat layout. The loss is taken on
 * what the model writes at inference: its {@code model} segments (text, call blocks, traps) and the end-of-turn
 * token. The system and user messages and every {@code interrupt} segment are context the runtime supplies, so
 * they are masked. Each segment is tokenised on its own, as the runtime appends interrupts between the model's
 * tokens: the ids are the ones the model sees when it runs.
 */
public final class TraceExamples {

    /** What to do with an example longer than the limit. */
    public enum Overlong implements ConfigName { DROP, TRUNCATE }

    /** The examples kept, and how many were dropped or truncated for length. */
    public record Result(List<Example> examples, int dropped, int truncated) {
        public long trainedTokens() {
            return examples.stream().mapToLong(Example::trainedTokens).sum();
        }
    }

    private TraceExamples() {
    }

    public static Result read(Path file, Tokenizer tokenizer, int maxLength, Overlong overlong)
            throws BadInputException {
        List<Example> out = new ArrayList<>();
        int[] cut = new int[2]; // dropped, truncated
        TextLines.forEach(file, (line, text) -> {
            Example e = example(file + ":" + line + ": ", text, tokenizer, line);
            if (e.length() <= maxLength) {
                out.add(e);
                return;
            }
            Example shorter = overlong == Overlong.TRUNCATE ? truncate(e, maxLength) : null;
            if (shorter == null || shorter.trainedTokens() == 0) { // a cut keeping only context teaches nothing
                cut[0]++;
            } else {
                out.add(shorter);
                cut[1]++;
            }
        });
        return new Result(List.copyOf(out), cut[0], cut[1]);
    }

    /**
     * Every text a tokenizer is given for the traces of {@code file}, in order: per trace the rendered prompt, then
     * each segment. What a task-trained tokenizer learns from, so it learns exactly what it will encode.
     */
    public static List<String> texts(Path file) throws BadInputException {
        List<String> out = new ArrayList<>();
        TextLines.forEach(file, (line, text) -> {
            Parsed p = parse(file + ":" + line + ": ", text);
            out.add(p.prompt());
            p.segments().forEach(seg -> out.add(seg.text()));
        });
        return out;
    }

    /** A trace as its tokenizer sees it: the rendered prompt, and the segments with whether the model wrote them. */
    private record Parsed(String prompt, List<Segment> segments) {
    }

    private record Segment(String text, boolean model) {
    }

    /** One trace line as an example; {@code where} starts every message ("file:line: "). */
    static Example example(String where, String text, Tokenizer tokenizer, int line) throws BadInputException {
        Parsed p = parse(where, text);
        Ids ids = new Ids();
        ids.add(tokenizer.encode(p.prompt()), false);
        for (Segment s : p.segments()) {
            ids.add(tokenizer.encode(s.text()), s.model());
        }
        if (ids.trained == 0) {
            throw new BadInputException(where + "assistant: no model segment, so nothing to train on");
        }
        ids.add(new int[] {tokenizer.endOfTurnId()}, true);
        return new Example(ids.ids(), ids.mask(), line);
    }

    private static Parsed parse(String where, String text) throws BadInputException {
        TraceLine t;
        try {
            t = TraceLine.parse(text);
        } catch (BadInputException e) {
            throw new BadInputException(where + e.getMessage());
        }
        String system = message(t, "system", 0, where);
        String user = message(t, "user", 1, where);
        List<Segment> out = new ArrayList<>();
        CmlParser cml = new CmlParser(); // the blocks across segments, as the runtime would read them
        int k = 0;
        for (TraceLine.Segment s : t.assistant()) {
            String segment = s.text();
            boolean model = s.model();
            // a trace that breaks the protocol would teach a model to break it
            if (model && segment.contains(CmlToken.INTR.text())) {
                throw new BadInputException(where + "assistant[" + k + "].text: the model writes "
                        + CmlToken.INTR.text() + ", which only the runtime writes");
            }
            if (!model && cml.inBlock()) {
                throw new BadInputException(where + "assistant[" + k + "]: an interrupt inside a block the model has "
                        + "not closed");
            }
            cml.feed(segment);
            out.add(new Segment(segment, model));
            k++;
        }
        if (cml.inBlock()) {
            throw new BadInputException(where + "assistant: the turn ends inside an unclosed block");
        }
        return new Parsed(ChatPrompt.render(system, user), out);
    }

    private static String message(TraceLine t, String role, int index, String where) throws BadInputException {
        if (t.messages().size() <= index || !role.equals(t.messages().get(index).role())
                || t.messages().get(index).content() == null) {
            throw new BadInputException(where + "messages[" + index + "]: expected the " + role + " message");
        }
        return t.messages().get(index).content();
    }

    private static Example truncate(Example e, int length) {
        return new Example(Arrays.copyOf(e.ids(), length), Arrays.copyOf(e.trained(), length),
                e.line());
    }

    /** Ids and mask grown segment by segment. */
    private static final class Ids {
        private int[] ids = new int[1024];
        private boolean[] mask = new boolean[1024];
        private int n;
        private int trained;

        void add(int[] more, boolean train) {
            if (n + more.length > ids.length) {
                int size = Math.max(2 * ids.length, n + more.length);
                ids = Arrays.copyOf(ids, size);
                mask = Arrays.copyOf(mask, size);
            }
            System.arraycopy(more, 0, ids, n, more.length);
            Arrays.fill(mask, n, n + more.length, train);
            n += more.length;
            trained += train ? more.length : 0;
        }

        int[] ids() {
            return Arrays.copyOf(ids, n);
        }

        boolean[] mask() {
            return Arrays.copyOf(mask, n);
        }
    }
}
