package org.asynclm.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.asynclm.runtime.BadInputException;
import org.asynclm.training.run.Export;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Exports a training checkpoint without its optimizer state: --format peft writes a LoRA "
                + "checkpoint's adapter (adapter_config.json, adapter_model.safetensors) as PEFT's "
                + "PeftModel.from_pretrained loads it onto the base; --format merged writes a Hugging Face "
                + "checkpoint (config.json, model.safetensors, tokenizer.json) that transformers loads, with a "
                + "LoRA adapter folded into the base weights.",
                "OUT must be new, empty or an earlier export (it has export.json, which records the source "
                        + "checkpoint and its hash); it is replaced only when the new export is complete, and it "
                        + "may not lie inside the checkpoint or around it."},
        footer = {"", "Examples:",
                "  bin/asynclm export --checkpoint runs/train-tiny-lora-cpu/checkpoint-300 --format peft --out runs/adapter",
                "  bin/asynclm export --checkpoint runs/train-tiny-lora-cpu/checkpoint-300 --format merged --out runs/merged"})
final class ExportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--checkpoint", required = true, paramLabel = "DIR", description = "OUT/checkpoint-STEP of a train run.")
    Path checkpoint;

    @Option(names = "--format", required = true, paramLabel = "peft|merged", description = "What to write.")
    Export.Format format;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Directory to write: new, empty, or an earlier export (replaced when complete).")
    Path out;

    @Option(names = "--model", paramLabel = "DIR",
            description = "The base of a LoRA checkpoint (default: the base_model its trainer_state.json names).")
    Path model;

    @Override
    public Integer call() throws BadInputException, IOException {
        Export.Record r = Export.write(checkpoint, format, model, out);
        spec.commandLine().getOut().println("wrote " + out + " (" + format.id() + ", step " + r.step() + ", "
                + r.checkpointSha256() + ")");
        return 0;
    }
}
