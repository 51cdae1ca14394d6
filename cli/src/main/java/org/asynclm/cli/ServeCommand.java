package org.asynclm.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.asynclm.model.llama.Llama;
import org.asynclm.runtime.BadInputException;
import org.asynclm.runtime.stop.StopSignals;
import org.asynclm.serve.ModelServer;
import org.asynclm.serve.ServeConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serves a checkpoint over HTTP, OpenAI-compatible: GET /v1/models, POST /v1/completions (streamed "
                + "as server-sent events, or not; max_tokens, temperature, top_p, stop, seed, usage counts), GET /health "
                + "and /ready. One decode at a time; --queue requests wait, more get 503. It writes CML as the runtime "
                + "lets a model write ([INTR] never; no end of turn inside a block).",
            "Listens on loopback unless --host says otherwise. If $" + ServeConfig.TOKEN_VARIABLE + " is set, every "
                + "/v1 request must carry 'Authorization: Bearer' with it. Stops on Ctrl-C (exit 130) or SIGTERM (143)."},
        footer = {"", "Example:", "  bin/asynclm serve --model runs/quickstart/train/checkpoint-12000 --port 8000",
            "  bin/asynclm eval latency --engine openai --base-url http://127.0.0.1:8000/v1 --model checkpoint-12000 \\",
            "      --dataset synthetic-parallel --n 20 --out runs/latency-http"})
final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CheckpointOptions checkpoint;

    @Option(names = "--name", paramLabel = "NAME",
            description = "The model's name in requests (default: the checkpoint directory's name).")
    String name;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "8000", description = "Port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--queue", defaultValue = "16", description = "Requests that may wait for the decode (default: ${DEFAULT-VALUE}).")
    int queue;

    @Option(names = "--max-tokens", defaultValue = "4096", description = "Most tokens one request may ask for (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Override
    public Integer call() throws BadInputException, InterruptedException {
        if (port < 0 || port > 65535 || queue < 0 || maxTokens < 1) {
            throw new BadInputException("--port must be 0..65535, --queue at least 0 and --max-tokens at least 1");
        }
        String token = System.getenv(ServeConfig.TOKEN_VARIABLE);
        String served = name != null ? name : checkpoint.model.toAbsolutePath().normalize().getFileName().toString();
        PrintWriter out = spec.commandLine().getOut();
        try (StopSignals.Scope stoppable = StopSignals.cooperate(); Llama llama = checkpoint.load();
             ModelServer server = start(llama, served, new ServeConfig(host, port, queue, maxTokens,
                     token == null || token.isBlank() ? null : token))) {
            out.println("serving " + checkpoint.model + " as '" + served + "' on http://" + host + ":" + server.port()
                    + "/v1" + (token != null && !token.isBlank() ? " (bearer token required)" : ""));
            out.flush();
            while (true) {
                StopSignals.check(); // a signal ends the loop; closing the server stops it
                Thread.sleep(200);
            }
        }
    }

    private static ModelServer start(Llama llama, String name, ServeConfig config) throws BadInputException {
        try {
            return ModelServer.start(llama, name, config);
        } catch (RuntimeException e) { // Jetty's bind failure: the port is taken, or the address is not this host's
            throw new BadInputException("cannot listen on " + config.host() + ":" + config.port() + ": "
                    + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()));
        }
    }
}
