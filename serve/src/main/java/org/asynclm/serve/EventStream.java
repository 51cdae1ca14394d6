package org.asynclm.serve;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** A response of server-sent events, written and flushed one event at a time; a client gone makes writes fail. */
final class EventStream {
    private final OutputStream out;

    private EventStream(OutputStream out) {
        this.out = out;
    }

    /** Starts the response as an event stream; null when the client is already gone. */
    static EventStream open(Context ctx) {
        ctx.status(200).contentType("text/event-stream");
        ctx.header("Cache-Control", "no-cache");
        try {
            return new EventStream(ctx.res().getOutputStream());
        } catch (IOException e) {
            return null;
        }
    }

    /** One event with {@code data}; false when the client has gone away. */
    boolean send(Object data) {
        return write("data: " + data + "\n\n");
    }

    /** The end of the stream, as OpenAI-compatible servers mark it. */
    void done() {
        write("data: [DONE]\n\n");
    }

    private boolean write(String text) {
        try {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
