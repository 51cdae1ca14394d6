package org.asynclm.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.asynclm.runtime.BadInputException;
import org.asynclm.runtime.tokens.BpeTrainer;
import org.asynclm.runtime.tokens.ByteTokenizer;
import org.asynclm.runtime.tokens.TokenizerJson;
import org.asynclm.training.data.TraceExamples;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "tokenizer", mixinStandardHelpOptions = true,
        description = "Tokenizers made for a task.",
        subcommands = TokenizerCommand.Train.class)
final class TokenizerCommand {

    @Command(name = "train", mixinStandardHelpOptions = true,
            description = {"Learns a byte-level BPE from native traces (their prompts and segments, as training "
                    + "encodes them) and writes it as a Hugging Face tokenizer.json with the chat and CML special "
                    + "tokens. Numbers are cut as --digits says. Hugging Face's tokenizers load it and give the same "
                    + "ids.",
                    "A model made with it (init-model --tokenizer) reads a task in a fraction of the byte-level "
                            + "tokens."},
            footer = {"", "Example:", "  bin/asynclm tokenizer train --traces runs/synthetic.jsonl --vocab-size 1024 "
                    + "--out runs/bpe/tokenizer.json"})
    static final class Train implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--traces", required = true, paramLabel = "FILE", description = "Native trace JSONL.")
        Path traces;

        @Option(names = "--vocab-size", defaultValue = "1024",
                description = "Bytes + merges + special tokens (default: ${DEFAULT-VALUE}).")
        int vocabSize;

        @Option(names = "--digits", defaultValue = "single", paramLabel = "single|pairs|runs",
                description = "single: every digit a token; pairs: a run of digits is cut into pairs from its left "
                        + "(36518 is 36 51 8); runs: a run of digits is merged like a word (an id is two or three "
                        + "tokens). Measured, the tiny model learned less with runs (README, train). "
                        + "Default: ${DEFAULT-VALUE}.")
        DigitsOption digits;

        /** The command-line names of {@link BpeTrainer.Digits}. */
        enum DigitsOption {
            runs(BpeTrainer.Digits.RUNS), pairs(BpeTrainer.Digits.PAIRS), single(BpeTrainer.Digits.SINGLE);

            final BpeTrainer.Digits value;

            DigitsOption(BpeTrainer.Digits value) {
                this.value = value;
            }
        }

        @Option(names = "--out", required = true, paramLabel = "FILE", description = "tokenizer.json to write.")
        Path out;

        @Option(names = "--force", description = "Overwrite an existing --out.")
        boolean force;

        @Override
        public Integer call() throws BadInputException, IOException {
            int least = 256 + ByteTokenizer.SPECIALS.size();
            if (vocabSize < least) {
                throw new BadInputException("--vocab-size must be at least " + least + " (bytes and special tokens)");
            }
            if (!force && Files.exists(out)) {
                throw new BadInputException(out + ": already exists (--force to overwrite)");
            }
            List<String> texts = TraceExamples.texts(traces);
            BpeTrainer.Merges merges = BpeTrainer.train(texts, vocabSize, digits.value);
            if (out.toAbsolutePath().getParent() != null) {
                Files.createDirectories(out.toAbsolutePath().getParent());
            }
            TokenizerJson.write(out, BpeTrainer.tokenizerJson(merges));
            BpeTrainer.Encoder encoder = new BpeTrainer.Encoder(merges);
            long bytes = 0;
            long tokens = 0;
            for (String t : texts) {
                bytes += t.getBytes(StandardCharsets.UTF_8).length;
                tokens += encoder.encode(t).length;
            }
            spec.commandLine().getOut().printf("wrote %s: %d tokens (%d merges); %,d texts, %,d bytes -> %,d tokens "
                    + "(%.2f bytes a token)%n", out, merges.vocabularySize(), merges.pairs().size(), texts.size(), bytes,
                    tokens, (double) bytes / tokens);
            return 0;
        }
    }
}
