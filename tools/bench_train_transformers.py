#!/usr/bin/env python3
"""The reference for `asynclm bench train`: the same model and row length trained by transformers (+ peft for LoRA)
on this machine's CPU, median step time, tokens per second and peak resident memory. Not run in CI (needs torch,
transformers, peft).

  python tools/bench_train_transformers.py --model runs/tiny-model --tokens 2000 [--lora-rank 8] [--threads 2]
  python tools/bench_train_transformers.py --shape llama-3.2-1b --tokens 512 --lora-rank 8 --trainable-tokens \
      [--gradient-checkpointing] --steps 2 --warmup-steps 1

A step: forward on one row of --tokens ids, masked cross-entropy, backward, clip to norm 1, AdamW, as train does.
The ids are random (timing does not depend on them); about a sixth of the positions are trained, as in CML traces.
--shape builds Llama 3.2 1B or 3B from its released configuration with random weights (transformers' own
initialisation), as `asynclm bench train --shape` does; --trainable-tokens trains the embedding rows of the five
reserved tokens the CML markers map onto (PEFT's trainable_token_indices), as asynclm's LoRA configs do.
"""
import argparse
import resource
import statistics
import time

import torch
from transformers import LlamaConfig, LlamaForCausalLM

# Llama-3.2-1B's and -3B's config.json, the keys that shape the computation
SHAPES = {
    "llama-3.2-1b": dict(hidden_size=2048, num_hidden_layers=16, num_attention_heads=32, head_dim=64),
    "llama-3.2-3b": dict(hidden_size=3072, num_hidden_layers=28, num_attention_heads=24, head_dim=128),
}
MARKER_ROWS = [128002, 128003, 128005, 128011, 128012]  # as LlamaShape.MARKER_ROWS


def shaped(name):
    return LlamaConfig(vocab_size=128256, intermediate_size=8192, num_key_value_heads=8, rms_norm_eps=1e-5,
                       max_position_embeddings=131072, tie_word_embeddings=True, bos_token_id=128000,
                       eos_token_id=[128001, 128008, 128009],
                       rope_parameters=dict(rope_type="llama3", rope_theta=500000.0, factor=32.0,
                                            low_freq_factor=1.0, high_freq_factor=4.0,
                                            original_max_position_embeddings=8192),
                       **SHAPES[name])

p = argparse.ArgumentParser()
p.add_argument("--model", help="a checkpoint directory")
p.add_argument("--shape", choices=sorted(SHAPES), help="a Llama 3.2 shape with random weights, instead of --model")
p.add_argument("--trainable-tokens", action="store_true", help="with LoRA: the CML markers' embedding rows train")
p.add_argument("--gradient-checkpointing", action="store_true")
p.add_argument("--json", action="store_true", help="print one JSON object")
p.add_argument("--tokens", type=int, default=2000)
p.add_argument("--steps", type=int, default=20)
p.add_argument("--warmup-steps", type=int, default=3)
p.add_argument("--lora-rank", type=int, default=0)
p.add_argument("--threads", type=int, default=2)
p.add_argument("--attn", default="sdpa", help="sdpa (fused, the default in transformers) or eager")
a = p.parse_args()

if (a.model is None) == (a.shape is None):
    p.error("give --model or --shape")
torch.set_num_threads(a.threads)
torch.manual_seed(0)
if a.shape:
    config = shaped(a.shape)
    config._attn_implementation = a.attn
    model = LlamaForCausalLM(config).to(torch.float32)
else:
    model = LlamaForCausalLM.from_pretrained(a.model, torch_dtype=torch.float32, attn_implementation=a.attn)
if a.gradient_checkpointing:
    model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
if a.lora_rank:
    from peft import LoraConfig, get_peft_model
    extra = dict(trainable_token_indices={"embed_tokens": MARKER_ROWS}) if a.trainable_tokens else {}
    model = get_peft_model(model, LoraConfig(r=a.lora_rank, lora_alpha=2 * a.lora_rank, target_modules=[
        "q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"], task_type="CAUSAL_LM",
        **extra))
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
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024  # VmHWM, as asynclm reports it
trained = sum(q.numel() for q in params)
if a.json:
    import json
    print(json.dumps(dict(shape=a.shape or a.model, method=f"lora r={a.lora_rank}" if a.lora_rank else "full",
                          tokens=a.tokens, gradient_checkpointing=a.gradient_checkpointing, attn=a.attn,
                          trained_parameters=trained, step_seconds_median=median,
                          tokens_per_s=round(a.tokens / median), peak_rss_mb=peak_mb)))
    raise SystemExit(0)
print(f"transformers {'LoRA r=' + str(a.lora_rank) if a.lora_rank else 'full'} ({a.attn}), {a.shape or a.model}, "
      f"{a.tokens} tokens, checkpointing {'on' if a.gradient_checkpointing else 'off'}, {a.threads} threads: "
      f"{trained} trained parameters, median step {median:.3f} s, {a.tokens / median:.0f} tokens/s, "
      f"peak RSS {peak_mb} MB")
