"""Golden values for the model module, from transformers' own LlamaForCausalLM and tokenizer.

Run after writing the checkpoints with the Java CLI:
  bin/asynclm init-model --preset tiny --out /tmp/tiny --seed 0
  bin/asynclm init-model --preset tiny-gqa --out /tmp/tinygqa --seed 1
  python tools/make_llama_golden.py /tmp/tiny /tmp/tinygqa
Writes model/src/test/resources/golden/llama-<preset>.json: the sha256 of model.safetensors (so a test can tell the
golden still matches what init-model writes), the prompt's token ids from transformers' tokenizer, each token's
log-probability given its prefix, and the full logits at the last position (fp32)."""
import hashlib
import json
import pathlib
import sys
import torch
import transformers
from transformers import AutoModelForCausalLM, AutoTokenizer

PROMPT = "<|begin_of_text|>[CALL]a[HEAD]get_weather(city='Oslo')[END][INTR]a[HEAD]{\"temp_c\": -3}[END] Done, 日本 ok."
out = pathlib.Path(__file__).resolve().parent.parent / "model/src/test/resources/golden"
for ckpt in map(pathlib.Path, sys.argv[1:]):
    preset = json.load(open(ckpt / "asynclm.json"))["preset"]
    tok = AutoTokenizer.from_pretrained(ckpt)
    ids = tok(PROMPT, add_special_tokens=False)["input_ids"]
    model = AutoModelForCausalLM.from_pretrained(ckpt, torch_dtype=torch.float32).eval()
    with torch.no_grad():
        logits = model(torch.tensor([ids])).logits[0]
    logprobs = torch.log_softmax(logits, dim=-1)
    token_logprobs = [None] + [logprobs[i - 1, ids[i]].item() for i in range(1, len(ids))]
    golden = {
        "preset": preset,
        "transformers": transformers.__version__,
        "torch": torch.__version__,
        "model_safetensors_sha256": hashlib.sha256((ckpt / "model.safetensors").read_bytes()).hexdigest(),
        "prompt": PROMPT,
        "token_ids": ids,
        "token_logprobs": token_logprobs,
        "last_logits": logits[-1].tolist(),
    }
    json.dump(golden, open(out / f"llama-{preset}.json", "w"), indent=1)
    print(preset, len(ids), "tokens; last logits", [round(x, 4) for x in logits[-1][:4].tolist()])
