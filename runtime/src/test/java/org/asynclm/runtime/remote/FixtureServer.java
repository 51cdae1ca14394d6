package org.asynclm.runtime.remote;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A loopback server for the engine's tests: each request to /v1/completions gets the next scripted answer, a
 * recorded SSE stream written in pieces of {@code pieceBytes} bytes with a flush after each (so the client meets
 * events, lines and UTF-8 characters cut across reads), or a bare HTTP status. It keeps every request body.
 */
final class FixtureServer implements AutoCloseable {
    /** One scripted answer: an SSE stream (status 200), or an error status with a small body. */
    record Answer(int status, String body) {
        static Answer stream(String resource) {
            try (InputStream in = FixtureServer.class.getResourceAsStream(resource)) {
                return new Answer(200, new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        static Answer status(int status) {
            return new Answer(status, "{\"error\": {\"message\": \"busy\"}}");
        }
    }

    private final HttpServer server;
    private final ConcurrentLinkedQueue<Answer> answers;
    private final List<String> bodies = Collections.synchronizedList(new ArrayList<>());

    FixtureServer(int pieceBytes, Answer... script) throws IOException {
        answers = new ConcurrentLinkedQueue<>(List.of(script));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/completions", exchange -> {
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            Answer a = answers.poll();
            if (a == null) {
                a = new Answer(500, "{\"error\": \"no more scripted answers\"}");
            }
            byte[] bytes = a.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", a.status() == 200 ? "text/event-stream" : "application/json");
            exchange.sendResponseHeaders(a.status(), a.status() == 200 ? 0 : bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                for (int i = 0; i < bytes.length; i += pieceBytes) {
                    out.write(bytes, i, Math.min(pieceBytes, bytes.length - i));
                    out.flush();
                }
            } catch (IOException e) {
                // the client closed the stream early, as the engine does at a trap
            }
        });
        server.start();
    }

    URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
    }

    /** The request bodies received, in order. */
    List<String> bodies() {
        return List.copyOf(bodies);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
