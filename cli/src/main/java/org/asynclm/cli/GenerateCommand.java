package org.asynclm.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.concurrent.Callable;
import org.asynclm.model.llama.Llama;
import org.asynclm.model.llama.LlamaEngine;
import org.asynclm.runtime.BadInputException;
import org.asynclm.runtime.TokenMonitor;
import org.asynclm.runtime.stop.StopSignals;
import org.asynclm.runtime.tokens.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Streams a continuation of the prompt under the CML mask (the model cannot write [INTR] or "
                + "break a block), greedy unless --temperature is given; stops at end of turn or --max-tokens.",
        footer = {"", "Example:", "  bin/asynclm generate --model runs/tiny-model --prompt 'Hello' --max-tokens 40 "
                + "--temperature 0.8 --top-p 0.9 --seed 1"})
final class GenerateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CheckpointOptions checkpoint;

    @Option(names = "--prompt", required = true, paramLabel = "T", description = "The prompt (raw text).")
    String prompt;

    @Option(names = "--max-tokens", defaultValue = "64", description = "Limit (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--temperature", defaultValue = "0", description = "0 is greedy (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--top-p", defaultValue = "1", description = "Nucleus size (default: ${DEFAULT-VALUE}).")
    double topP;

    @Option(names = "--seed", defaultValue = "0", description = "Sampling seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws BadInputException {
        if (maxTokens < 1) {
            throw new BadInputException("--max-tokens: must be at least 1, got " + maxTokens);
        }
        PrintWriter out = spec.commandLine().getOut();
        try (StopSignals.Scope stoppable = StopSignals.cooperate(); Llama llama = checkpoint.load();
             LlamaEngine engine = ModelCommand.engine(llama, temperature, topP, seed)) {
            Tokenizer tok = llama.tokenizer();
            int[] ids = tok.encode(prompt);
            if (ids.length == 0) {
                throw new BadInputException("--prompt: empty");
            }
            if (ids.length >= engine.maxContext()) {
                throw new BadInputException("--prompt: " + ids.length + " tokens, and the model's context holds "
                        + engine.maxContext() + "; shorten it");
            }
            TokenMonitor monitor = new TokenMonitor(tok);
            engine.prefill(ids);
            for (int i = 0; i < Math.min(maxTokens, engine.maxContext() - ids.length); i++) {
                int t = engine.decode(monitor);
                if (monitor.isEndOfTurn(t)) {
                    break;
                }
                out.print(monitor.accept(t, new ArrayList<>()));
                out.flush();
            }
            out.println();
        }
        return 0;
    }
}
