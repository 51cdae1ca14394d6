"""Golden values for LoRA adapters that also train rows of the embedding (PEFT's trainable_token_indices), as
`train` does for the CML marker tokens under LoRA.

Run after writing the checkpoints with the Java CLI:
  bin/asynclm init-model --preset tiny --out /tmp/tiny --seed 0
  bin/asynclm init-model --preset tiny-gqa --out /tmp/tinygqa --seed 1
  python tools/make_lora_tokens_golden.py /tmp/tiny /tmp/tinygqa
PEFT makes LoRA r=4 on q_proj and v_proj with random factors plus new values for the rows of the five CML
markers, saved in its own layout to model/src/test/resources/golden/lora-tokens-<preset>/; lora-tokens-<preset>.json
holds the logits with the adapter applied. tiny ties the lm head to the embedding, so its rows change in both;
tiny-gqa does not, so only the input rows change."""
import json
import pathlib
import sys
import peft
import torch
from peft import LoraConfig, get_peft_model
from transformers import AutoModelForCausalLM, AutoTokenizer

PROMPT = "<|begin_of_text|>[CALL]a[HEAD]get_weather(city='Oslo')[END][INTR]a[HEAD]{\"temp_c\": -3}[END] Done[TRAP][END]"
MARKERS = ["[CALL]", "[INTR]", "[TRAP]", "[END]", "[HEAD]"]
out = pathlib.Path(__file__).resolve().parent.parent / "model/src/test/resources/golden"
for ckpt in map(pathlib.Path, sys.argv[1:]):
    preset = json.load(open(ckpt / "asynclm.json"))["preset"]
    tok = AutoTokenizer.from_pretrained(ckpt)
    ids = tok(PROMPT, add_special_tokens=False)["input_ids"]
    markers = [tok.convert_tokens_to_ids(m) for m in MARKERS]
    torch.manual_seed(11)
    base = AutoModelForCausalLM.from_pretrained(ckpt, dtype=torch.float32).eval()
    config = LoraConfig(r=4, lora_alpha=8, target_modules=["q_proj", "v_proj"], lora_dropout=0.0,
                        init_lora_weights=False, trainable_token_indices=markers)
    model = get_peft_model(base, config).eval()
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "lora_" in name:
                p.mul_(4.0)
            if "trainable_tokens_delta" in name:
                p.copy_(torch.randn_like(p) * 0.5)
        logits = model(torch.tensor([ids])).logits[0]
    adapter_dir = out / f"lora-tokens-{preset}"
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
        "marker_ids": markers,
        "token_logprobs": [None] + [logprobs[i - 1, ids[i]].item() for i in range(1, len(ids))],
        "last_logits": logits[-1].tolist(),
        "merged_minus_unmerged_max_abs": (merged - logits).abs().max().item(),
    }
    json.dump(golden, open(out / f"lora-tokens-{preset}.json", "w"), indent=1)
    print(preset, "markers", markers, "; merged vs unmerged", golden["merged_minus_unmerged_max_abs"])
