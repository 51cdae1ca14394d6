package org.asynclm.runtime.remote;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A response body of server-sent events, read as they arrive: bytes become characters across reads (a character's
 * UTF-8 bytes may be cut), characters become events ({@link SseReader}). Closing it closes the connection.
 */
final class SseStream implements AutoCloseable {
    private final InputStream body;
    private final String where;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
    private final SseReader reader = new SseReader();
    private final Deque<String> events = new ArrayDeque<>();
    private final ByteBuffer bytes = ByteBuffer.allocate(8192);
    private final CharBuffer chars = CharBuffer.allocate(8192);
    private boolean ended;

    SseStream(InputStream body, String where) {
        this.body = body;
        this.where = where;
    }

    /** The next event's data, waiting for it; null when the body has ended. */
    String next() {
        while (events.isEmpty() && !ended) {
            read();
        }
        return events.poll();
    }

    private void read() {
        try {
            int n = body.read(bytes.array(), bytes.position(), bytes.remaining());
            if (n < 0) {
                ended = true;
                return;
            }
            bytes.position(bytes.position() + n);
            bytes.flip();
            utf8.decode(bytes, chars, false);
            bytes.compact(); // an incomplete character waits for its other bytes
            chars.flip();
            events.addAll(reader.feed(chars));
            chars.clear();
        } catch (IOException e) {
            throw new RemoteFailure(where + ": the stream broke: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        try {
            body.close();
        } catch (IOException e) {
            // the connection is going anyway
        }
    }
}
