package org.asynclm.runtime.timeline;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.asynclm.runtime.files.AtomicFiles;

/** Writes recorded timelines as one Chrome trace-event JSON file (Perfetto opens it): one process per run. */
public final class ChromeTrace {
    private ChromeTrace() {
    }

    /** Writes atomically: a temporary file renamed into place. */
    public static void write(Path file, Map<String, TimelineRecorder> runs) throws IOException {
        AtomicFiles.write(file, tmp -> {
            try (OutputStream out = Files.newOutputStream(tmp);
                 JsonGenerator g = new JsonFactory().createGenerator(out, JsonEncoding.UTF8)) {
                write(g, runs);
            }
        });
    }

    /** The same trace as one JSON document in a string, for a server to answer with. */
    public static String json(Map<String, TimelineRecorder> runs) {
        java.io.StringWriter out = new java.io.StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
            write(g, runs);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.toString();
    }

    private static void write(JsonGenerator g, Map<String, TimelineRecorder> runs) throws IOException {
        g.writeStartObject();
        g.writeStringField("displayTimeUnit", "ms");
        g.writeArrayFieldStart("traceEvents");
        int pid = 1;
        for (Map.Entry<String, TimelineRecorder> run : runs.entrySet()) {
            TimelineRecorder rec = run.getValue();
            meta(g, "process_name", pid, 0, run.getKey());
            meta(g, "thread_name", pid, 0, "model");
            for (int lane = 1; lane <= rec.callLanes(); lane++) {
                meta(g, "thread_name", pid, lane, "calls " + lane);
            }
            for (TimelineRecorder.Event e : rec.events()) {
                g.writeStartObject();
                g.writeStringField("name", e.name());
                g.writeStringField("cat", e.category());
                g.writeStringField("ph", e.instant() ? "i" : "X");
                g.writeNumberField("ts", e.start() / 1000.0);
                if (e.instant()) {
                    g.writeStringField("s", "t");
                } else {
                    g.writeNumberField("dur", (e.end() - e.start()) / 1000.0);
                }
                g.writeNumberField("pid", pid);
                g.writeNumberField("tid", e.lane());
                if (e.args() != null) {
                    g.writeFieldName("args");
                    g.writeRawValue(e.args());
                }
                g.writeEndObject();
            }
            pid++;
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void meta(JsonGenerator g, String what, int pid, int tid, String name) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", what);
        g.writeStringField("ph", "M");
        g.writeNumberField("pid", pid);
        g.writeNumberField("tid", tid);
        g.writeObjectFieldStart("args");
        g.writeStringField("name", name);
        g.writeEndObject();
        g.writeEndObject();
    }
}
