"""Golden values for LoRA adapters, from PEFT on transformers' LlamaForCausalLM.

Run after writing the checkpoints with the Java CLI:
  bin/asynclm init-model --preset tiny --out /tmp/tiny --seed 0
  bin/asynclm init-model --preset tiny-gqa --out /tmp/tinygqa --seed 1
  python tools/make_lora_golden.py /tmp/tiny /tmp/tinygqa
For each checkpoint PEFT makes a LoRA adapter with random A and B (init_lora_weights=False, so the adapter
changes the logits) and saves it in its own layout to model/src/test/resources/golden/lora-<preset>/
(adapter_config.json, adapter_model.safetensors); lora-<preset>.json holds the logits of the base model with the
adapter applied, computed unmerged by PEFT, and the largest difference to PEFT's merge_and_unload()."""
import json
import pathlib
import sys
import peft
import torch
from peft import LoraConfig, get_peft_model
from transformers import AutoModelForCausalLM, AutoTokenizer

PROMPT = "<|begin_of_text|>[CALL]a[HEAD]get_weather(city='Oslo')[END][INTR]a[HEAD]{\"temp_c\": -3}[END] Done, 日本 ok."
# tiny: every projection, plain scaling alpha/r; tiny-gqa: attention only, rank-stabilised scaling alpha/sqrt(r).
ADAPTERS = {
    "tiny": dict(r=4, lora_alpha=8, target_modules=["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj",
                                                   "down_proj"], use_rslora=False),
    "tiny-gqa": dict(r=8, lora_alpha=16, target_modules=["q_proj", "v_proj"], use_rslora=True),
}
out = pathlib.Path(__file__).resolve().parent.parent / "model/src/test/resources/golden"
for ckpt in map(pathlib.Path, sys.argv[1:]):
    preset = json.load(open(ckpt / "asynclm.json"))["preset"]
    tok = AutoTokenizer.from_pretrained(ckpt)
    ids = tok(PROMPT, add_special_tokens=False)["input_ids"]
    torch.manual_seed(7)
    base = AutoModelForCausalLM.from_pretrained(ckpt, dtype=torch.float32).eval()
    config = LoraConfig(lora_dropout=0.0, init_lora_weights=False, **ADAPTERS[preset])
    model = get_peft_model(base, config).eval()
    with torch.no_grad():
        # init_lora_weights=False draws B at PEFT's default scale; larger values make the test sensitive
        for name, p in model.named_parameters():
            if "lora_" in name:
                p.mul_(4.0)
        logits = model(torch.tensor([ids])).logits[0]
    adapter_dir = out / f"lora-{preset}"
    model.save_pretrained(adapter_dir)
    for extra in adapter_dir.glob("README.md"):
        extra.unlink()
    with torch.no_grad():
        merged = model.merge_and_unload()(torch.tensor([ids])).logits[0]
    logprobs = torch.log_softmax(logits, dim=-1)
    golden = {
        "preset": preset,
        "peft": peft.__version__,
        "torch": torch.__version__,
        "prompt": PROMPT,
        "token_ids": ids,
        "token_logprobs": [None] + [logprobs[i - 1, ids[i]].item() for i in range(1, len(ids))],
        "last_logits": logits[-1].tolist(),
        "merged_minus_unmerged_max_abs": (merged - logits).abs().max().item(),
    }
    json.dump(golden, open(out / f"lora-{preset}.json", "w"), indent=1)
    base_logits = AutoModelForCausalLM.from_pretrained(ckpt, dtype=torch.float32)(torch.tensor([ids])).logits[0]
    print(preset, "adapter moves last logits by", (logits[-1] - base_logits[-1]).abs().max().item(),
          "; merged vs unmerged", golden["merged_minus_unmerged_max_abs"])
