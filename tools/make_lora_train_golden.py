"""Golden values for LoRA training steps: PEFT on transformers' LlamaForCausalLM with torch.optim.AdamW.

  bin/asynclm init-model --preset tiny --out /tmp/tiny --seed 0
  python tools/make_lora_train_golden.py /tmp/tiny
The starting adapter (r=4, alpha 8, q/k/v/o/gate/up/down, A and B both random so every factor gets a gradient) is
saved to training/src/test/resources/golden/lora-start/; three AdamW steps on the examples of sft-tiny.json
follow, with the base frozen. Writes training/src/test/resources/golden/lora-sft-tiny.json."""
import json
import pathlib
import sys
import torch
from peft import LoraConfig, get_peft_model
from transformers import AutoModelForCausalLM

root = pathlib.Path(__file__).resolve().parent.parent / "training/src/test/resources/golden"
sft = json.load(open(root / "sft-tiny.json"))
examples = [(e["ids"], e["trained"]) for e in sft["examples"]]
LR, BETAS, EPS, WD = 1e-2, (0.9, 0.999), 1e-8, 0.01
torch.manual_seed(5)
base = AutoModelForCausalLM.from_pretrained(sys.argv[1], dtype=torch.float32)
config = LoraConfig(r=4, lora_alpha=8, lora_dropout=0.0, init_lora_weights=False,
                    target_modules=["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"])
model = get_peft_model(base, config)
model.save_pretrained(root / "lora-start")
(root / "lora-start" / "README.md").unlink(missing_ok=True)
model.train()
trainable = [p for p in model.parameters() if p.requires_grad]
opt = torch.optim.AdamW(trainable, lr=LR, betas=BETAS, eps=EPS, weight_decay=WD)


def loss_fn():
    total, count = 0.0, 0
    for ids, trained in examples:
        logits = model(torch.tensor([ids])).logits[0]
        logp = torch.log_softmax(logits[:-1], dim=-1)
        mask = torch.tensor(trained[1:], dtype=torch.float32)
        total = total - (logp.gather(1, torch.tensor(ids[1:])[:, None])[:, 0] * mask).sum()
        count += int(mask.sum())
    return total / count


losses, norms = [], []
for step in range(3):
    opt.zero_grad()
    loss = loss_fn()
    loss.backward()
    norms.append(torch.sqrt(sum((p.grad ** 2).sum() for p in trainable)).item())
    losses.append(loss.item())
    opt.step()
with torch.no_grad():
    losses.append(loss_fn().item())
json.dump({"lr": LR, "betas": BETAS, "eps": EPS, "weight_decay": WD, "losses": losses, "grad_norms": norms},
          open(root / "lora-sft-tiny.json", "w"), indent=1)
print("losses", losses, "grad norms", norms)
