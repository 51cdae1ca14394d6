package org.asynclm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.asynclm.cml.CmlToken;
import org.asynclm.cml.CmlWriter;
import org.asynclm.datagen.config.Range;
import org.asynclm.datagen.synthetic.SyntheticGenerator;
import org.asynclm.model.llama.Llama;
import org.asynclm.runtime.BadInputException;
import org.asynclm.runtime.CacheCosts;
import org.asynclm.runtime.CostModel;
import org.asynclm.runtime.Engine;
import org.asynclm.runtime.Method;
import org.asynclm.runtime.Outcome;
import org.asynclm.runtime.Session;
import org.asynclm.runtime.SessionConfig;
import org.asynclm.runtime.clock.WallClock;
import org.asynclm.runtime.exec.Interrupt;
import org.asynclm.runtime.exec.ThreadToolExecutor;
import org.asynclm.runtime.exec.Tool;
import org.asynclm.runtime.prompt.ChatPrompt;
import org.asynclm.runtime.remote.OpenAiClient;
import org.asynclm.runtime.remote.OpenAiEngine;
import org.asynclm.runtime.remote.OpenAiServer;
import org.asynclm.runtime.remote.RemoteFailure;
import org.asynclm.runtime.remote.SessionClient;
import org.asynclm.runtime.scenario.Scenario;
import org.asynclm.runtime.scenario.ScenarioJson;
import org.asynclm.runtime.scenario.ScenarioTools;
import org.asynclm.runtime.stop.StopSignals;
import org.asynclm.runtime.timeline.ChromeTrace;
import org.asynclm.runtime.timeline.TimelineRecorder;
import org.asynclm.runtime.tokens.HfTokenizer;
import org.asynclm.runtime.tokens.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "chat", mixinStandardHelpOptions = true,
        description = {"A terminal session with a model under Async, on the wall clock (the paper's interactive "
                + "interrupts, section 6.6). Type a request and press Enter: the model answers as it generates, its "
                + "calls run in the background and their results show as [INTR] lines when they land. A line you "
                + "type while it is still writing is not queued for the next turn: it reaches the model at once, as "
                + "[INTR]user[HEAD]...[END] at the next token outside a block (should the turn end inside a block, "
                + "the line becomes the next request). Ctrl-D ends the session.",
                "The tools are simulated (they sleep their time and answer from a task's ground truth): a built-in "
                        + "task, or --scenario FILE."},
        footer = {"", "Examples:", "  bin/asynclm chat --model runs/train-tiny-cpu/checkpoint-12000 --pace-ms 30 "
                + "--timeline runs/chat.json",
            "  bin/asynclm chat --base-url http://127.0.0.1:8000/v1 --model checkpoint-12000",
            "  bin/asynclm chat --engine openai --base-url http://127.0.0.1:8000/v1 --model my-model \\",
            "      --tokenizer models/my-model/tokenizer.json"})
final class ChatCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CheckpointOptions checkpoint;

    @Option(names = "--scenario", paramLabel = "FILE", description = "Tools from this scenario file (default: a built-in task).")
    Path scenario;

    @Option(names = "--max-tokens", defaultValue = "400", description = "Generation limit per turn (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--pace-ms", defaultValue = "0",
            description = "Also wait this long per token, as a slower model would, so there is time to type "
                    + "(default: ${DEFAULT-VALUE}).")
    double paceMs;

    @Option(names = "--temperature", defaultValue = "0", description = "Sampling temperature (default: greedy).")
    double temperature;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the sampler and of the built-in task (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--timeline", paramLabel = "FILE", description = "At the end, write every turn as Chrome trace events (Perfetto).")
    Path timeline;

    @Option(names = "--base-url", paramLabel = "URL", description = "Chat with the model behind asynclm serve at this "
            + "API root (e.g. http://127.0.0.1:8000/v1) through its asynchronous session API; --model names it "
            + "there. The tools still run here, and their results travel back as interrupts. With --engine openai: "
            + "any OpenAI-compatible server, through /v1/completions (each interrupt a new request).")
    URI baseUrl;

    @Option(names = "--engine", defaultValue = "llama", paramLabel = "E",
            description = "llama (the checkpoint here, or asynclm serve's sessions with --base-url) or openai "
                    + "(--base-url of any OpenAI-compatible server, --tokenizer its model's) (default: ${DEFAULT-VALUE}).")
    EngineKind engine;

    @Option(names = "--tokenizer", paramLabel = "FILE", description = "With --engine openai: the served model's tokenizer.json.")
    Path tokenizer;

    private final InputStream in;

    ChatCommand() {
        this(System.in);
        stdin = true;
    }

    /** Whether {@code in} is this process's standard input, which may have been closed before the JVM started. */
    private boolean stdin;

    ChatCommand(InputStream in) {
        this.in = in;
    }

    @Override
    public Integer call() throws BadInputException, IOException, InterruptedException {
        if (maxTokens < 1 || paceMs < 0) {
            throw new BadInputException("--max-tokens must be at least 1 and --pace-ms at least 0");
        }
        if (stdin && StandardStreams.stdinIsClosed()) {
            throw new BadInputException("chat: standard input is closed; run it on a terminal, or give it a file or "
                    + "a pipe (< lines.txt)");
        }
        Scenario task = scenario != null ? ScenarioJson.read(scenario) : builtInTask(seed);
        PrintWriter o = spec.commandLine().getOut();
        BlockingDeque<String> lines = new LinkedBlockingDeque<>();
        Thread reader = Thread.ofVirtual().start(() -> readLines(lines));
        Map<String, TimelineRecorder> turns = new LinkedHashMap<>();
        boolean completions = engine == EngineKind.OPENAI;
        if (engine == EngineKind.TEACHER || completions != (tokenizer != null) || (completions && baseUrl == null)) {
            throw new BadInputException("--engine openai goes with --base-url URL and --tokenizer FILE; "
                    + "--engine llama chats with the checkpoint, or with asynclm serve's sessions at --base-url");
        }
        if (baseUrl != null && checkpoint.adapter != null) {
            throw new BadInputException("--adapter is for a checkpoint run here; a served model has its own weights");
        }
        if (baseUrl != null && !completions && timeline != null) {
            throw new BadInputException("--timeline is for turns run here; a served session's is at "
                    + "GET /v1/async/sessions/{id}/timeline");
        }
        OpenAiClient http = completions ? new OpenAiClient(OpenAiServer.of(baseUrl, checkpoint.model.toString())) : null;
        try (StopSignals.Scope stoppable = StopSignals.cooperate();
             Llama llama = baseUrl != null ? null : checkpoint.load()) {
            Tokenizer tok = llama != null ? llama.tokenizer() : completions ? HfTokenizer.load(tokenizer) : null;
            o.println("Tools: " + String.join(", ", ScenarioTools.of(task).keySet()) + ". Try: " + task.userPrompt());
            o.println("Type while the model writes to interrupt it; Ctrl-D ends.");
            while (true) {
                o.print("you> ");
                o.flush();
                String request = nextLine(lines);
                if (request == END) {
                    break;
                }
                TimelineRecorder rec = new TimelineRecorder();
                TurnSummary turn;
                if (tok == null) {
                    turn = runServedTurn(task, request, lines, o);
                } else {
                    turns.put("turn " + (turns.size() + 1), rec);
                    turn = TurnSummary.of(runTurn(llama != null ? () -> ModelCommand.engine(llama, temperature, 1, seed)
                            : () -> new OpenAiEngine(http, tok, new OpenAiClient.Sampling(temperature, 1, seed),
                                    maxTokens), tok, task, request, lines, rec, o));
                }
                o.printf(Locale.ROOT, "%n[%d tokens, %d interrupts, %d calls, %.0f ms%s]%n", turn.tokens(),
                        turn.interrupts(), turn.calls(), turn.ms(), errorSummary(turn.errors()));
                if (lines.peek() == END) {
                    break;
                }
            }
        } finally {
            reader.interrupt();
        }
        if (timeline != null && !turns.isEmpty()) {
            ChromeTrace.write(timeline, turns);
            o.println("timeline: " + timeline + " (open in https://ui.perfetto.dev)");
        }
        o.flush();
        return 0;
    }

    /** The next typed line, waiting in short slices so that Ctrl-C while waiting for one ends the chat at once. */
    private static String nextLine(BlockingDeque<String> lines) throws InterruptedException {
        while (true) {
            StopSignals.check();
            String line = lines.poll(50, TimeUnit.MILLISECONDS);
            if (line != null) {
                return line;
            }
        }
    }

    /** The engine of one turn: the checkpoint here, or a server's model through /v1/completions. */
    @FunctionalInterface
    private interface EngineSource {
        Engine make() throws BadInputException;
    }

    /** What the line after a turn says, from a turn run here or on a server. */
    private record TurnSummary(int tokens, int interrupts, int calls, double ms, List<String> errors) {
        static TurnSummary of(Outcome o) {
            return new TurnSummary(o.generatedTokens(), o.interrupts(), o.calls().size(), Outcome.ms(o.makespanNanos()),
                    o.errors());
        }
    }

    /** Each distinct error once, with how often it happened. */
    private static String errorSummary(List<String> errors) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        errors.forEach(e -> counts.merge(e, 1, Integer::sum));
        StringBuilder sb = new StringBuilder();
        counts.forEach((e, n) -> sb.append("; ").append(n > 1 ? n + "x " : "").append(e));
        return sb.toString();
    }

    /** A marker for the end of input, compared by identity. */
    private static final String END = new String("<end of input>");

    private void readLines(BlockingDeque<String> lines) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.isBlank()) {
                    lines.add(line.strip());
                }
            }
        } catch (IOException e) {
            // the terminal went away: end the session as at Ctrl-D
        }
        lines.add(END);
    }

    /**
     * One turn: the model generates on this thread while a forwarder hands every line typed meanwhile to the inbox,
     * which the session injects at the next token outside a block.
     */
    private Outcome runTurn(EngineSource engines, Tokenizer tok, Scenario task, String request,
                            BlockingDeque<String> lines, TimelineRecorder rec, PrintWriter o)
            throws BadInputException, InterruptedException {
        Map<String, Tool> tools = ScenarioTools.of(task);
        int[] prompt = tok.encode(ChatPrompt.render(ModelRuns.system(tools), request));
        WallClock clock = new WallClock(paceMs > 0);
        CostModel cost = new CostModel(CostModel.msToNanos(paceMs), 0, CostModel.Deployment.LOCAL, 0);
        try (Engine engine = engines.make(); ThreadToolExecutor executor = new ThreadToolExecutor(clock, 0)) {
            Session session = new Session(engine, tok, clock, executor, tools,
                    new SessionConfig(Method.ASYNC, cost, CacheCosts.SINGLE_USER, maxTokens), rec);
            session.listen(new Session.Listener() {
                @Override
                public void modelText(String text) {
                    print(o, text);
                }

                @Override
                public void injected(String cml) {
                    print(o, "\n" + cml + "\n");
                }
            });
            o.print("model> ");
            o.flush();
            List<String> sent = new ArrayList<>();
            Thread forwarder = Thread.ofVirtual().start(() -> forward(lines,
                    line -> executor.inbox().postUser(line, clock.nanos()), sent, o));
            Outcome outcome;
            try {
                outcome = session.run(prompt);
            } finally {
                forwarder.interrupt();
                forwarder.join();
            }
            requeueUndelivered(sent, outcome.transcript(), lines, o);
            return outcome;
        }
    }

    /**
     * A line sent while the model was inside a block that it never closed did not reach it before the turn ended:
     * rather than lose it, it becomes the next request.
     */
    private static void requeueUndelivered(List<String> sent, String transcript, BlockingDeque<String> lines,
                                           PrintWriter o) {
        List<String> undelivered = new ArrayList<>();
        synchronized (sent) {
            for (String line : sent) {
                if (!transcript.contains(CmlWriter.interrupt(CmlToken.USER_ID, CmlWriter.json(line)))) {
                    undelivered.add(line);
                }
            }
        }
        for (int i = undelivered.size() - 1; i >= 0; i--) {
            lines.addFirst(undelivered.get(i));
            print(o, "\n(not delivered before the turn ended: \"" + undelivered.get(i) + "\" is the next request)");
        }
    }

    /** Where a line typed during a turn goes: the local inbox, or the served session. */
    private interface UserLine {
        /** False while the line cannot go yet (the served session has not begun). */
        default boolean ready() {
            return true;
        }

        void send(String line);
    }

    /** Lines typed during the turn go to the model; the end of input stays queued for the main loop. */
    private static void forward(BlockingDeque<String> lines, UserLine to, List<String> sent, PrintWriter o) {
        try {
            while (true) {
                String line = lines.poll(20, TimeUnit.MILLISECONDS);
                if (line == END) {
                    lines.add(END);
                    return;
                }
                if (line == null) {
                    continue;
                }
                if (!to.ready()) { // keep the line for when it can go
                    lines.addFirst(line);
                    Thread.sleep(20);
                    continue;
                }
                synchronized (sent) {
                    sent.add(line);
                }
                to.send(line);
                print(o, "\n(you: " + line + " -> sent to the model as a user interrupt)\n");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the turn is over
        }
    }

    /**
     * One turn on the server: its events print as they come, each call runs here on its own thread and its result
     * is posted back as an interrupt, and lines typed meanwhile are posted as user interrupts.
     */
    private TurnSummary runServedTurn(Scenario task, String request, BlockingDeque<String> lines, PrintWriter o)
            throws InterruptedException {
        Map<String, Tool> tools = ScenarioTools.of(task);
        String prompt = ChatPrompt.render(ModelRuns.system(tools), request);
        SessionClient client = new SessionClient(OpenAiServer.of(baseUrl, checkpoint.model.toString()));
        WallClock clock = new WallClock(false);
        AtomicReference<String> session = new AtomicReference<>();
        AtomicReference<JsonNode> end = new AtomicReference<>();
        AtomicInteger calls = new AtomicInteger();
        List<String> sent = new ArrayList<>();
        long t0 = System.nanoTime();
        o.print("model> ");
        o.flush();
        try (ThreadToolExecutor executor = new ThreadToolExecutor(clock, 0)) {
            Thread results = Thread.ofVirtual().start(() -> postResults(executor, client, session));
            Thread typed = Thread.ofVirtual().start(() -> forward(lines, new UserLine() {
                @Override
                public boolean ready() {
                    return session.get() != null;
                }

                @Override
                public void send(String line) {
                    try {
                        client.user(session.get(), line);
                    } catch (RemoteFailure ended) {
                        // the turn ended first: requeueUndelivered makes the line the next request
                    }
                }
            }, sent, o));
            try {
                client.run(prompt, tools.values().stream().map(Tool::schema).toList(), maxTokens, temperature, seed,
                        new SessionClient.Events() {
                            @Override
                            public void started(String id) {
                                session.set(id);
                            }

                            @Override
                            public void text(String text) {
                                print(o, text);
                            }

                            @Override
                            public void call(String id, String function, Map<String, Object> arguments) {
                                calls.incrementAndGet();
                                executor.submit(id, tools.get(function), arguments);
                            }

                            @Override
                            public void interrupt(String cml) {
                                print(o, "\n" + cml + "\n");
                            }

                            @Override
                            public void end(JsonNode e) {
                                end.set(e);
                            }
                        });
            } finally {
                results.interrupt();
                typed.interrupt();
                results.join();
                typed.join();
            }
        }
        JsonNode e = end.get();
        List<String> errors = new ArrayList<>();
        e.path("errors").forEach(x -> errors.add(x.asText()));
        requeueUndelivered(sent, e.path("transcript").asText(), lines, o);
        return new TurnSummary(e.path("tokens").asInt(), e.path("interrupts").asInt(), calls.get(),
                (System.nanoTime() - t0) / 1e6, errors);
    }

    /** Each tool's result, as it lands here, goes back to the session. */
    private static void postResults(ThreadToolExecutor executor, SessionClient client,
                                    AtomicReference<String> session) {
        try {
            while (true) {
                if (!executor.inbox().awaitArrival()) {
                    Thread.sleep(10); // nothing running yet
                    continue;
                }
                for (Interrupt i : executor.inbox().drainReady()) {
                    if (i.injectable()) {
                        client.result(session.get(), i.id(), i.valueJson(), false);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the turn is over
        } catch (RemoteFailure late) {
            // the turn ended before this result: nothing is waiting for it
        }
    }

    private static void print(PrintWriter o, String text) {
        synchronized (o) {
            o.print(text);
            o.flush();
        }
    }

    /** Three chains of calls, some copying a value out of an earlier result: something worth interrupting. */
    static Scenario builtInTask(long seed) {
        SyntheticGenerator g = new SyntheticGenerator(SyntheticGenerator.shapes(new Range(3, 3), new Range(2, 2),
                new Range(2, 2)), new Range(200, 1000)::draw, new Range(1, 1));
        return g.generate("chains", "chat-" + seed, new SplittableRandom(seed));
    }
}
