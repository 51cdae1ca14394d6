package org.asynclm.training.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.asynclm.cml.PyCall;
import org.asynclm.runtime.tokens.ByteTokenizer;
import org.asynclm.runtime.tokens.Tokenizer;
import org.asynclm.runtime.trace.TraceLine;
import org.junit.jupiter.api.Test;

/** The values a model's calls copy, as copy_steps trains on them. */
class CopiedValuesTest {

    private static List<String> values(String segment) {
        List<String> out = new ArrayList<>();
        for (int[] s : CopiedValues.spans(segment)) {
            out.add(segment.substring(s[0], s[1]));
        }
        return out;
    }

    @Test
    void everyArgumentValueIsFoundWithoutItsQuotes() {
        assertEquals(List.of("36518"), values("[CALL]a[HEAD]lookup_city(zip_code='36518')[END]"));
        assertEquals(List.of("555-7440", "All set"),
                values("[CALL]e[HEAD]send_sms(phone='555-7440', text='All set')[END]"));
        assertEquals(List.of("Lima", "7"), values("[CALL]d[HEAD]find_hotel(city='Lima', nights=7)[END]"));
        assertEquals(List.of("1", "2", "3", "4", "it's, (x)", "-2.5e3"),
                values("[CALL]b[HEAD]f(a=[1, 2, (3, 4)], b=\"it's, (x)\", c = -2.5e3)[END]"));
        assertEquals(List.of("a=b"), values("[CALL]b[HEAD]f(q='a=b')[END]"), "an '=' inside a value is the value's");
        assertEquals(List.of("U1", "U2"), values("[CALL]a[HEAD]f(x='U1')[END][TRAP][END][CALL]b[HEAD]g(y='U2')[END]"));
        assertEquals(List.of(), values("[TRAP][END]"));
        assertEquals(List.of(), values("Done. hotel id H5148."), "the closing text is no call");
        assertEquals(List.of(), values("[CALL]a[HEAD]f(x='')[END]"), "an empty string copies nothing");
    }

    /** Per token: whether it was marked, and its text, for the datagen traces of the test resources. */
    @Test
    void theMarkedTokensOfATraceSpellExactlyItsCallsArgumentValues() throws Exception {
        Path traces = Path.of(CopiedValuesTest.class.getResource("/traces.jsonl").toURI());
        Tokenizer tok = new ByteTokenizer();
        int checked = 0;
        for (String line : Files.readAllLines(traces)) {
            for (TraceLine.Segment s : TraceLine.parse(line).assistant()) {
                if (!s.model()) {
                    continue;
                }
                int[] ids = tok.encode(s.text());
                boolean[] marked = TraceExamples.copied(s.text(), ids, tok);
                List<String> expected = new ArrayList<>();
                for (String block : s.text().split("\\[CALL]")) {
                    int head = block.indexOf("[HEAD]");
                    if (head >= 0) {
                        PyCall call = PyCall.parseCallBody(block.substring(head + 6, block.indexOf("[END]")));
                        call.keywords().values().forEach(v -> flatten(v, expected));
                    }
                }
                assertEquals(expected, runs(ids, marked, tok), s.text());
                checked += expected.size();
            }
        }
        assertTrue(checked > 10, "the traces have calls with arguments: " + checked);
    }

    private static void flatten(Object value, List<String> out) {
        if (value instanceof List<?> list) {
            list.forEach(v -> flatten(v, out));
        } else {
            out.add(String.valueOf(value));
        }
    }

    /** The marked tokens' text, one string per run of marked tokens. */
    private static List<String> runs(int[] ids, boolean[] marked, Tokenizer tok) {
        Tokenizer.TextDecoder d = tok.newDecoder();
        List<String> out = new ArrayList<>();
        StringBuilder run = null;
        for (int k = 0; k < ids.length; k++) {
            String text = d.next(ids[k]);
            if (marked[k]) {
                run = run == null ? new StringBuilder() : run;
                run.append(text);
            } else if (run != null) {
                out.add(run.toString());
                run = null;
            }
        }
        return out;
    }
}
