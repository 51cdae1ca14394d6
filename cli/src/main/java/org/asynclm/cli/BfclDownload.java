package org.asynclm.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.asynclm.bfcl.BfclData;
import org.asynclm.bfcl.multiturn.BackendClass;
import org.asynclm.runtime.BadInputException;
import org.asynclm.runtime.files.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "download", mixinStandardHelpOptions = true,
        description = "Fetches BFCL v4's question and possible-answer files and the multi-turn function docs from the "
                + "BFCL repository (Apache-2.0) into a data directory. Needs a network; tests never use it.",
        footer = {"", "Example:", "  bin/asynclm bfcl download --out data/bfcl"})
final class BfclDownload implements Callable<Integer> {
    static final String DEFAULT_BASE =
            "https://raw.githubusercontent.com/ShishirPatil/gorilla/main/berkeley-function-call-leaderboard/bfcl_eval/data/";
    static final List<String> CATEGORIES = List.of("simple_python", "simple_java", "simple_javascript", "multiple",
            "parallel", "parallel_multiple", "irrelevance", "live_simple", "live_multiple", "live_parallel",
            "live_parallel_multiple", "live_irrelevance", "live_relevance", "multi_turn_base");
    private static final List<String> NO_ANSWERS = List.of("irrelevance", "live_irrelevance", "live_relevance");

    @Spec
    CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Data directory to write.")
    Path out;

    @Option(names = "--base-url", defaultValue = DEFAULT_BASE, paramLabel = "URL",
            description = "Where the data directory lives (default: the BFCL repository's main branch).")
    String base;

    @Override
    public Integer call() throws BadInputException, IOException {
        List<String> files = new ArrayList<>();
        for (String c : CATEGORIES) {
            files.add(BfclData.PREFIX + c + ".json");
            if (!NO_ANSWERS.contains(c)) {
                files.add("possible_answer/" + BfclData.PREFIX + c + ".json");
            }
        }
        Arrays.stream(BackendClass.values()).map(BackendClass::docFile).sorted()
                .forEach(f -> files.add("multi_turn_func_doc/" + f));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        try (Progress p = new Progress("bfcl download", files.size())) {
            int done = 0;
            for (String f : files) {
                String body = fetch(http, base + f);
                AtomicFiles.writeString(out.resolve(f), body);
                p.accept(++done);
            }
        }
        spec.commandLine().getOut().println("wrote " + files.size() + " files to " + out);
        return 0;
    }

    private static String fetch(HttpClient http, String url) throws BadInputException {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new BadInputException(url + ": HTTP " + r.statusCode());
            }
            return r.body();
        } catch (IOException e) {
            throw new BadInputException(url + ": cannot download (offline? " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BadInputException(url + ": download interrupted");
        }
    }
}
