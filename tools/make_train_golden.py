"""Golden values for a full fine-tuning step: transformers' LlamaForCausalLM and torch.optim.AdamW.

  bin/asynclm init-model --preset tiny --out /tmp/tiny --seed 0
  python tools/make_train_golden.py /tmp/tiny
Two examples of random tokens, each with a masked prefix, make one packed row. The loss is the mean next-token
cross-entropy over the trained tokens of both (each example run alone, which packing must equal). Records the loss
and the global gradient norm before each of three AdamW steps, and the loss after them.
Writes training/src/test/resources/golden/sft-tiny.json."""
import json
import pathlib
import sys
import torch
from transformers import AutoModelForCausalLM

LR, BETAS, EPS, WD = 1e-2, (0.9, 0.999), 1e-8, 0.01
ckpt = pathlib.Path(sys.argv[1])
gen = torch.Generator().manual_seed(3)
examples = []
for length, prefix in [(40, 12), (56, 20)]:
    ids = torch.randint(0, 266, (length,), generator=gen).tolist()
    examples.append((ids, [False] * prefix + [True] * (length - prefix)))
model = AutoModelForCausalLM.from_pretrained(ckpt, dtype=torch.float32)
model.train()
opt = torch.optim.AdamW(model.parameters(), lr=LR, betas=BETAS, eps=EPS, weight_decay=WD)


def loss_fn():
    total, count = 0.0, 0
    for ids, trained in examples:
        logits = model(torch.tensor([ids])).logits[0]
        logp = torch.log_softmax(logits[:-1], dim=-1)
        target = torch.tensor(ids[1:])
        mask = torch.tensor(trained[1:], dtype=torch.float32)
        total = total - (logp.gather(1, target[:, None])[:, 0] * mask).sum()
        count += int(mask.sum())
    return total / count


losses, norms = [], []
for step in range(3):
    opt.zero_grad()
    loss = loss_fn()
    loss.backward()
    norms.append(torch.sqrt(sum((p.grad ** 2).sum() for p in model.parameters())).item())
    losses.append(loss.item())
    opt.step()
with torch.no_grad():
    losses.append(loss_fn().item())
out = pathlib.Path(__file__).resolve().parent.parent / "training/src/test/resources/golden/sft-tiny.json"
json.dump({"torch": torch.__version__, "lr": LR, "betas": BETAS, "eps": EPS, "weight_decay": WD,
           "examples": [{"ids": i, "trained": t} for i, t in examples],
           "losses": losses, "grad_norms": norms}, open(out, "w"), indent=1)
print("losses", losses, "grad norms", norms)
