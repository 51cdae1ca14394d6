#!/usr/bin/env python3
"""TRL's SFT on asynclm's exports, with the CML markers' embedding rows trained as PEFT's trainable tokens.

`trl sft` has no option for PEFT's trainable_token_indices, and a base model such as Llama 3 has never trained the
reserved tokens the markers map onto. This script reads the same config file as `trl sft` (TrlParser: SFTConfig,
ModelConfig, the dataset mixture), finds the markers' ids as asynclm does (the tokenizer's own [CALL] ... tokens,
or else its first five <|reserved_special_token_N|> in order of N), and trains a LoRA adapter with those rows. The
adapter it saves loads in asynclm as it is: `eval synthetic --model BASE --adapter OUTPUT_DIR`.

    accelerate launch --config_file configs/python/accelerate-zero3.yaml tools/trl_sft.py \\
        --config configs/python/trl-sft-llama-3.2-1b.yaml
"""
import re

MARKERS = ["[CALL]", "[INTR]", "[TRAP]", "[END]", "[HEAD]"]


def marker_ids(tokenizer):
    """The ids asynclm's runtime gives the markers (HfTokenizer.markerMapping in Java)."""
    added = {t.content: i for i, t in tokenizer.added_tokens_decoder.items()}
    if all(m in added for m in MARKERS):
        return [added[m] for m in MARKERS]
    reserved = sorted((int(m.group(1)), i) for c, i in added.items()
                      if (m := re.fullmatch(r"<\|reserved_special_token_(\d+)\|>", c)))
    if len(reserved) < len(MARKERS):
        raise SystemExit("the tokenizer has neither CML tokens nor five reserved special tokens to map them onto")
    return [i for _, i in reserved[:len(MARKERS)]]


def main():
    from peft import LoraConfig
    from transformers import AutoTokenizer
    from trl import DatasetMixtureConfig, ModelConfig, ScriptArguments, SFTConfig, SFTTrainer, TrlParser, get_dataset

    script_args, training_args, model_args, dataset_args = TrlParser(
        (ScriptArguments, SFTConfig, ModelConfig, DatasetMixtureConfig)).parse_args_and_config()[:4]
    tokenizer = AutoTokenizer.from_pretrained(model_args.model_name_or_path)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = "<|end_of_text|>"
    peft_config = LoraConfig(
        r=model_args.lora_r, lora_alpha=model_args.lora_alpha, lora_dropout=model_args.lora_dropout,
        target_modules=model_args.lora_target_modules, task_type="CAUSAL_LM",
        trainable_token_indices={"embed_tokens": marker_ids(tokenizer)})
    trainer = SFTTrainer(model=model_args.model_name_or_path, args=training_args, processing_class=tokenizer,
                         train_dataset=get_dataset(dataset_args)[script_args.dataset_train_split],
                         peft_config=peft_config)
    trainer.train()
    trainer.save_model(training_args.output_dir)


if __name__ == "__main__":
    main()
