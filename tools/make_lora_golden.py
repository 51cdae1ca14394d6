"""Golden values for LoRA adapters, from PEFT on transformers' LlamaForCausalLM.

Run after writing the checkpoints with the Java CLI:
  bin/asynclm init-model --preset tiny --out /tmp/tiny --seed 0
  bin/asynclm init-model --preset tiny-gqa --out /tmp/tinygqa --seed 1
  python tools/make_lora_golden.py /tmp/tiny /tmp/tinygqa
For each checkpoint PEFT makes adapters with random factors (init_lora_weights=False, so the adapter changes the
logits) and saves them in its own layout to model/src/test/resources/golden/<name>/ (adapter_config.json,
adapter_model.safetensors); <name>.json holds the logits of the base model with the adapter applied, computed
unmerged by PEFT, and the largest difference to PEFT's merge_and_unload().
  lora-<preset>:        tiny: every projection, plain scaling alpha/r; tiny-gqa: q and v, rank-stabilised alpha/sqrt(r)
  lora-tokens-<preset>: LoRA r=4 on q and v plus new values for the rows of the five CML markers (PEFT's
                        trainable_token_indices), as `train` does under LoRA; tiny ties the lm head to the embedding,
                        so its rows change in both, tiny-gqa does not."""
import json
import pathlib
import sys
import peft
import torch
from peft import LoraConfig, get_peft_model
from transformers import AutoModelForCausalLM, AutoTokenizer

PROMPT = "<|begin_of_text|>[CALL]a[HEAD]get_weather(city='Oslo')[END][INTR]a[HEAD]{\"temp_c\": -3}[END] Done, 日本 ok."
TOKENS_PROMPT = ("<|begin_of_text|>[CALL]a[HEAD]get_weather(city='Oslo')[END][INTR]a[HEAD]{\"temp_c\": -3}[END] "
                 "Done[TRAP][END]")
MARKERS = ["[CALL]", "[INTR]", "[TRAP]", "[END]", "[HEAD]"]
ADAPTERS = {
    "tiny": dict(r=4, lora_alpha=8, target_modules=["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj",
                                                   "down_proj"], use_rslora=False),
    "tiny-gqa": dict(r=8, lora_alpha=16, target_modules=["q_proj", "v_proj"], use_rslora=True),
}
out = pathlib.Path(__file__).resolve().parent.parent / "model/src/test/resources/golden"


def make(ckpt, name, prompt, seed, with_tokens, **adapter):
    preset = json.load(open(ckpt / "asynclm.json"))["preset"]
    tok = AutoTokenizer.from_pretrained(ckpt)
    ids = tok(prompt, add_special_tokens=False)["input_ids"]
    markers = [tok.convert_tokens_to_ids(m) for m in MARKERS]
    torch.manual_seed(seed)
    base = AutoModelForCausalLM.from_pretrained(ckpt, dtype=torch.float32).eval()
    extra = dict(trainable_token_indices=markers) if with_tokens else {}
    model = get_peft_model(base, LoraConfig(lora_dropout=0.0, init_lora_weights=False, **adapter, **extra)).eval()
    with torch.no_grad():
        # init_lora_weights=False draws B at PEFT's default scale; larger values make the test sensitive
        for pname, p in model.named_parameters():
            if "lora_" in pname:
                p.mul_(4.0)
            if "trainable_tokens_delta" in pname:
                p.copy_(torch.randn_like(p) * 0.5)
        logits = model(torch.tensor([ids])).logits[0]
    adapter_dir = out / name
    model.save_pretrained(adapter_dir)
    for extra_file in adapter_dir.glob("README.md"):
        extra_file.unlink()
    with torch.no_grad():
        merged = model.merge_and_unload()(torch.tensor([ids])).logits[0]
    logprobs = torch.log_softmax(logits, dim=-1)
    golden = {
        "preset": preset,
        "peft": peft.__version__,
        "torch": torch.__version__,
        "prompt": prompt,
        "token_ids": ids,
        "token_logprobs": [None] + [logprobs[i - 1, ids[i]].item() for i in range(1, len(ids))],
        "last_logits": logits[-1].tolist(),
        "merged_minus_unmerged_max_abs": (merged - logits).abs().max().item(),
    }
    if with_tokens:
        golden["marker_ids"] = markers
    json.dump(golden, open(out / f"{name}.json", "w"), indent=1)
    print(name, "merged vs unmerged", golden["merged_minus_unmerged_max_abs"])


for ckpt in map(pathlib.Path, sys.argv[1:]):
    preset = json.load(open(ckpt / "asynclm.json"))["preset"]
    make(ckpt, f"lora-{preset}", PROMPT, 7, False, **ADAPTERS[preset])
    make(ckpt, f"lora-tokens-{preset}", TOKENS_PROMPT, 11, True, r=4, lora_alpha=8,
         target_modules=["q_proj", "v_proj"])
