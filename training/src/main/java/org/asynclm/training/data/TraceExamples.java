package org.asynclm.training.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.asynclm.cml.Block;
import org.asynclm.cml.BlockKind;
import org.asynclm.cml.CmlEvent;
import org.asynclm.cml.CmlParser;
import org.asynclm.cml.CmlToken;
import org.asynclm.cml.CmlWriter;
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

    /**
     * Which prompt an example starts with: the trace's own; its system prompt's instructions alone, without the
     * function list, and the request; or the request alone. The short ones are where copy_steps trains: the values
     * to copy are a few dozen tokens back instead of hundreds, and measured, a model from scratch starts to copy there
     * and not in whole prompts in the same number of examples; from the request it copies best after the request
     * alone (README, learning table row 23).
     */
    public enum Prompt implements ConfigName {
        WHOLE, INSTRUCTIONS,
        /** The request alone, without a system message: the calls stand right after the values they copy from it. */
        REQUEST
    }

    /**
     * The examples kept, how many were dropped or truncated for length, and the file lines of the traces in which a
     * tool answers a call with an error ({@code error_repeats} shows those more often).
     */
    public record Result(List<Example> examples, int dropped, int truncated, Set<Integer> toolErrorLines) {
        public Result {
            toolErrorLines = Set.copyOf(toolErrorLines);
        }

        public long trainedTokens() {
            return examples.stream().mapToLong(Example::trainedTokens).sum();
        }
    }

    private TraceExamples() {
    }

    public static Result read(Path file, Tokenizer tokenizer, int maxLength, Overlong overlong)
            throws BadInputException {
        return read(file, tokenizer, maxLength, overlong, Prompt.WHOLE);
    }

    public static Result read(Path file, Tokenizer tokenizer, int maxLength, Overlong overlong, Prompt prompt)
            throws BadInputException {
        return read(file, tokenizer, maxLength, overlong, List.of(prompt)).get(0);
    }

    /**
     * The examples of {@code file} under each of {@code prompts}, in that order, from one pass: each trace is parsed
     * and its segments are encoded once, whatever prompts it starts with. Copied values are marked where a short
     * prompt is asked for (copy_steps trains on them).
     */
    public static List<Result> read(Path file, Tokenizer tokenizer, int maxLength, Overlong overlong,
                                    List<Prompt> prompts) throws BadInputException {
        return read(file, tokenizer, maxLength, overlong, prompts, prompts.stream().anyMatch(p -> p != Prompt.WHOLE));
    }

    /** {@link #read(Path, Tokenizer, int, Overlong, List)}, with the copied values marked when {@code mark}. */
    public static List<Result> read(Path file, Tokenizer tokenizer, int maxLength, Overlong overlong,
                                    List<Prompt> prompts, boolean mark) throws BadInputException {
        List<List<Example>> out = new ArrayList<>();
        int[][] cut = new int[prompts.size()][2]; // dropped, truncated
        Set<Integer> toolErrors = new HashSet<>();
        prompts.forEach(p -> out.add(new ArrayList<>()));
        TextLines.forEach(file, (line, text) -> {
            String where = file + ":" + line + ": ";
            Parsed p = parse(where, text);
            if (p.toolError()) {
                toolErrors.add(line);
            }
            List<Encoded> segments = encode(p, tokenizer, mark);
            for (int k = 0; k < prompts.size(); k++) {
                keep(example(where, p.prompt(prompts.get(k)), segments, tokenizer, line), maxLength, overlong,
                        out.get(k), cut[k]);
            }
        });
        List<Result> results = new ArrayList<>();
        for (int k = 0; k < prompts.size(); k++) {
            results.add(new Result(List.copyOf(out.get(k)), cut[k][0], cut[k][1], toolErrors));
        }
        return results;
    }

    /** Adds {@code e} to {@code out}, or its cut to {@code maxLength}, or counts it dropped. */
    private static void keep(Example e, int maxLength, Overlong overlong, List<Example> out, int[] cut) {
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
    }

    /**
     * Every text a tokenizer is given for the traces of {@code file}, in order: per trace the rendered prompt, then
     * each segment. What a task-trained tokenizer learns from, so it learns exactly what it will encode.
     */
    public static List<String> texts(Path file) throws BadInputException {
        List<String> out = new ArrayList<>();
        TextLines.forEach(file, (line, text) -> {
            Parsed p = parse(file + ":" + line + ": ", text);
            out.add(p.prompt(Prompt.WHOLE));
            p.segments().forEach(seg -> out.add(seg.text()));
        });
        return out;
    }

    /**
     * A trace as its tokenizer sees it: its two messages, the segments with whether the model wrote them, and whether
     * an interrupt answers one of its calls with an error.
     */
    private record Parsed(String system, String user, List<Segment> segments, boolean toolError) {
        /** The rendered prompt the example starts with. */
        String prompt(Prompt prompt) {
            return switch (prompt) {
                case WHOLE -> ChatPrompt.render(system, user);
                case INSTRUCTIONS -> ChatPrompt.render(ChatPrompt.instructions(system), user);
                case REQUEST -> ChatPrompt.render(List.of(new ChatPrompt.Turn("user", user)));
            };
        }
    }

    /** A segment's ids, whether the model wrote them, and which are copied values (null: none marked). */
    private record Encoded(int[] ids, boolean model, boolean[] copied) {
    }

    private record Segment(String text, boolean model) {
    }

    /** One trace line as an example; {@code where} starts every message ("file:line: "). */
    static Example example(String where, String text, Tokenizer tokenizer, int line) throws BadInputException {
        return example(where, text, tokenizer, line, Prompt.WHOLE);
    }

    static Example example(String where, String text, Tokenizer tokenizer, int line, Prompt prompt)
            throws BadInputException {
        Parsed p = parse(where, text);
        return example(where, p.prompt(prompt), encode(p, tokenizer, prompt != Prompt.WHOLE), tokenizer, line);
    }

    /**
     * Each segment's ids; with {@code mark}, a model segment's copied values too (only copy_steps' short examples
     * need them, and finding them costs a decode of every model token).
     */
    private static List<Encoded> encode(Parsed p, Tokenizer tokenizer, boolean mark) {
        List<Encoded> out = new ArrayList<>(p.segments().size());
        for (Segment s : p.segments()) {
            int[] ids = tokenizer.encode(s.text());
            out.add(new Encoded(ids, s.model(), mark && s.model() ? copied(s.text(), ids, tokenizer) : null));
        }
        return out;
    }

    private static Example example(String where, String prompt, List<Encoded> segments, Tokenizer tokenizer,
                                   int line) throws BadInputException {
        Ids ids = new Ids();
        ids.add(tokenizer.encode(prompt), false, null);
        for (Encoded s : segments) {
            ids.add(s.ids(), s.model(), s.copied());
        }
        if (ids.trained == 0) {
            throw new BadInputException(where + "assistant: no model segment, so nothing to train on");
        }
        ids.add(new int[] {tokenizer.endOfTurnId()}, true, null);
        return new Example(ids.ids(), ids.mask(), ids.copied(), line);
    }

    /**
     * Which of a model segment's tokens overlap a value its calls copy ({@link CopiedValues}); each token's characters
     * come from decoding the tokens in turn, which splits no character a token does not split.
     */
    static boolean[] copied(String text, int[] tokens, Tokenizer tokenizer) {
        boolean[] out = new boolean[tokens.length];
        List<int[]> spans = CopiedValues.spans(text);
        if (spans.isEmpty()) {
            return out;
        }
        Tokenizer.TextDecoder decoder = tokenizer.newDecoder();
        int at = 0;
        for (int k = 0; k < tokens.length; k++) {
            int start = at;
            at += decoder.next(tokens[k]).length();
            for (int[] span : spans) {
                out[k] |= start < span[1] && at > span[0];
            }
        }
        return out;
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
        boolean toolError = false;
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
            for (CmlEvent e : cml.feed(segment)) {
                toolError |= !model && e instanceof CmlEvent.Closed c && isError(c.block());
            }
            out.add(new Segment(segment, model));
            k++;
        }
        if (cml.inBlock()) {
            throw new BadInputException(where + "assistant: the turn ends inside an unclosed block");
        }
        return new Parsed(system, user, out, toolError);
    }

    /** An interrupt of a call (not the user's) whose value is {@code {"error": ...}}. */
    private static boolean isError(Block block) {
        return block.kind() == BlockKind.INTERRUPT && !CmlToken.USER_ID.equals(block.id())
                && CmlWriter.isError(block.body());
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
                Arrays.copyOf(e.copied(), length), e.line());
    }

    /** Ids and masks grown segment by segment. */
    private static final class Ids {
        private int[] ids = new int[1024];
        private boolean[] mask = new boolean[1024];
        private boolean[] copied = new boolean[1024];
        private int n;
        private int trained;

        /** {@code copiedTokens}: which of {@code more} are copied values; null: none. */
        void add(int[] more, boolean train, boolean[] copiedTokens) {
            if (n + more.length > ids.length) {
                int size = Math.max(2 * ids.length, n + more.length);
                ids = Arrays.copyOf(ids, size);
                mask = Arrays.copyOf(mask, size);
                copied = Arrays.copyOf(copied, size);
            }
            System.arraycopy(more, 0, ids, n, more.length);
            Arrays.fill(mask, n, n + more.length, train);
            if (copiedTokens != null) {
                System.arraycopy(copiedTokens, 0, copied, n, more.length);
            }
            n += more.length;
            trained += train ? more.length : 0;
        }

        int[] ids() {
            return Arrays.copyOf(ids, n);
        }

        boolean[] mask() {
            return Arrays.copyOf(mask, n);
        }

        boolean[] copied() {
            return Arrays.copyOf(copied, n);
        }
    }
}
