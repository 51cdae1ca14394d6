#!/usr/bin/env python3
"""The reference for `asynclm bench train`: the same model and row length trained by transformers (+ peft for LoRA)
on this machine's CPU, median step time and tokens per second. Not run in CI (needs torch, transformers, peft).

  python tools/bench_train_transformers.py --model runs/tiny-model --tokens 2000 [--lora-rank 8] [--threads 2]

A step: forward on one row of --tokens ids, masked cross-entropy, backward, clip to norm 1, AdamW, as train does.
The ids are random (timing does not depend on them); about a sixth of the positions are trained, as in CML traces.
"""
import argparse
import statistics
import time

import torch
from transformers import LlamaForCausalLM

p = argparse.ArgumentParser()
p.add_argument("--model", required=True)
p.add_argument("--tokens", type=int, default=2000)
p.add_argument("--steps", type=int, default=20)
p.add_argument("--warmup-steps", type=int, default=3)
p.add_argument("--lora-rank", type=int, default=0)
p.add_argument("--threads", type=int, default=2)
p.add_argument("--attn", default="sdpa", help="sdpa (fused, the default in transformers) or eager")
a = p.parse_args()

torch.set_num_threads(a.threads)
torch.manual_seed(0)
model = LlamaForCausalLM.from_pretrained(a.model, torch_dtype=torch.float32, attn_implementation=a.attn)
if a.lora_rank:
    from peft import LoraConfig, get_peft_model
    model = get_peft_model(model, LoraConfig(r=a.lora_rank, lora_alpha=2 * a.lora_rank, target_modules=[
        "q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"], task_type="CAUSAL_LM"))
model.train()
params = [q for q in model.parameters() if q.requires_grad]
opt = torch.optim.AdamW(params, lr=1e-4, weight_decay=0.01)
vocab = model.config.vocab_size
ids = torch.randint(0, vocab, (1, a.tokens))
labels = ids.clone()
labels[:, torch.rand(a.tokens) > 1 / 6] = -100
times = []
for step in range(a.warmup_steps + a.steps):
    t0 = time.perf_counter()
    loss = model(input_ids=ids, labels=labels).loss
    loss.backward()
    torch.nn.utils.clip_grad_norm_(params, 1.0)
    opt.step()
    opt.zero_grad()
    if step >= a.warmup_steps:
        times.append(time.perf_counter() - t0)
median = statistics.median(times)
print(f"transformers {'LoRA r=' + str(a.lora_rank) if a.lora_rank else 'full'} ({a.attn}), {a.tokens} tokens, "
      f"{a.threads} threads: median step {median:.3f} s, {a.tokens / median:.0f} tokens/s")
