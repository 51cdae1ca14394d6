package org.asynclm.serve;

import ai.djl.Device;
import java.net.URI;
import java.nio.file.Path;
import org.asynclm.model.llama.Llama;
import org.asynclm.model.llama.TinyModel;

/** The tiny model (seed 4) behind a {@link ModelServer} on a free loopback port, for the serve tests. */
record TinyServer(Llama llama, ModelServer server) implements AutoCloseable {

    static TinyServer start(Path dir, ServeConfig config) throws Exception {
        Path model = dir.resolve("tiny");
        TinyModel.write(model, TinyModel.preset(Path.of("../configs/model/tiny.yaml")), "tiny", 4);
        Llama llama = Llama.load(model, Device.cpu());
        return new TinyServer(llama, ModelServer.start(llama, "tiny", config));
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    @Override
    public void close() {
        server.close();
        llama.close();
    }
}
