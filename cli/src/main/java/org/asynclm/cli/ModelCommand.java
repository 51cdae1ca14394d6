package org.asynclm.cli;

import ai.djl.Device;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.asynclm.model.llama.Llama;
import org.asynclm.model.llama.LlamaEngine;
import org.asynclm.model.llama.Sampler;
import org.asynclm.runtime.BadInputException;
import org.asynclm.runtime.tokens.HfTokenizer;
import org.asynclm.runtime.tokens.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "model", mixinStandardHelpOptions = true, description = "Llama checkpoints on DJL/PyTorch.",
        subcommands = {ModelCommand.Score.class},
        footer = {"", "Example:", "  bin/asynclm model score --model runs/tiny-model --text 'Hello' --json"})
final class ModelCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static Tokenizer tokenizer(Path model) throws BadInputException {
        return HfTokenizer.load(model.resolve("tokenizer.json"));
    }

    static final String ADAPTER_HELP = "A PEFT LoRA adapter directory (adapter_config.json, "
            + "adapter_model.safetensors) merged into the model.";

    static Llama load(Path model, Path adapter) throws BadInputException {
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        return Llama.load(model, adapter, Device.cpu());
    }

    @Command(name = "score", mixinStandardHelpOptions = true,
            description = "Each token's log-probability given its prefix (the first is null) and the full logits at "
                    + "the last position, as transformers' LlamaForCausalLM computes them.",
            footer = {"", "Example:", "  bin/asynclm model score --model runs/tiny-model --text '[CALL]a[HEAD]f()[END]' --json"})
    static final class Score implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        CheckpointOptions checkpoint;

        @Option(names = "--text", required = true, paramLabel = "T", description = "The text to score.")
        String text;

        @Option(names = "--json", description = "Print JSON (the default prints one line per token).")
        boolean json;

        @Override
        public Integer call() throws BadInputException {
            try (Llama llama = checkpoint.load(); Llama.Cache cache = llama.newCache()) {
                int[] ids = llama.tokenizer().encode(text);
                if (ids.length == 0) {
                    throw new BadInputException("--text: nothing to score");
                }
                float[][] logits = llama.forward(cache, ids);
                ObjectNode out = JsonNodeFactory.instance.objectNode();
                ArrayNode idsNode = out.putArray("token_ids");
                ArrayNode lp = out.putArray("token_logprobs");
                for (int i = 0; i < ids.length; i++) {
                    idsNode.add(ids[i]);
                    if (i == 0) {
                        lp.addNull();
                    } else {
                        lp.add(Sampler.logProbability(logits[i - 1], ids[i]));
                    }
                }
                ArrayNode last = out.putArray("last_logits");
                for (float v : logits[ids.length - 1]) {
                    last.add(v);
                }
                if (json) {
                    spec.commandLine().getOut().println(out);
                } else {
                    for (int i = 0; i < ids.length; i++) {
                        spec.commandLine().getOut().printf("%6d  %-12s  %s%n", ids[i],
                                "'" + llama.tokenizer().piece(ids[i]).replace("\n", "\\n") + "'",
                                i == 0 ? "-" : String.format("%.4f", lp.get(i).asDouble()));
                    }
                }
            }
            return 0;
        }
    }

    /** A greedy engine over a loaded model. */
    static LlamaEngine engineUnchecked(Llama llama) {
        return new LlamaEngine(llama, Sampler.greedy());
    }

    static LlamaEngine engine(Llama llama, double temperature, double topP, long seed) throws BadInputException {
        try {
            return new LlamaEngine(llama, new Sampler(temperature, topP, seed));
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--temperature/--top-p: " + e.getMessage());
        }
    }
}
