#!/usr/bin/env python3
"""asynclm's training step, op for op as TrainableLlama and LlamaOps write it, replayed in eager PyTorch: the tiny
model's shapes, one example of --tokens random ids, a sixth of them under the loss, AdamW with clipping. It tells the
cost of the formulation apart from the runtime: run beside tools/bench_train_transformers.py on the same machine,
the gap between the two is what the op choices cost, and the gap between this and `bench train` is libtorch 2.7.1
(DJL's) with the per-op JNI calls. Not run in CI (needs torch).

  python tools/replay_step_eager.py --tokens 1573 --vocab 262 --threads 2 [--profile FILE]
"""
import argparse
import statistics
import time

import torch
import torch.nn.functional as F

p = argparse.ArgumentParser()
p.add_argument("--tokens", type=int, default=1573)
p.add_argument("--vocab", type=int, default=262, help="262: the byte-level tokenizer's")
p.add_argument("--threads", type=int, default=2)
p.add_argument("--steps", type=int, default=20)
p.add_argument("--warmup-steps", type=int, default=5)
p.add_argument("--profile", metavar="FILE", help="also write torch.profiler's Chrome trace of 10 more steps "
               "(compare with `bench train --profile` by tools/compare_profiles.py)")
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(0)
T, H, HEADS, D, FFN, LAYERS = a.tokens, 128, 4, 32, 352, 2  # configs/model/tiny.yaml


def weight(*shape):
    return (torch.randn(*shape) * 0.02).requires_grad_()


embedding = weight(a.vocab, H)
final_norm = torch.ones(H, requires_grad=True)
layers = [dict(q=weight(H, H), k=weight(H, H), v=weight(H, H), o=weight(H, H), gate=weight(FFN, H),
               up=weight(FFN, H), down=weight(H, FFN), norm1=torch.ones(H, requires_grad=True),
               norm2=torch.ones(H, requires_grad=True)) for _ in range(LAYERS)]
params = [embedding, final_norm] + [w for layer in layers for w in layer.values()]
adam = torch.optim.AdamW(params, lr=1e-3, weight_decay=0.01, foreach=True)  # as AdamW.java: _foreach ops
eps = torch.tensor(1e-5)
inverse = 1.0 / (10000 ** (torch.arange(0, D, 2).float() / D))
angles = torch.outer(torch.arange(T).float(), inverse).repeat(1, 2)
cos, sin = angles.cos().reshape(T, 1, D), angles.sin().reshape(T, 1, D)
ids = torch.randint(0, a.vocab, (T,))
trained = torch.rand(T) < 1 / 6


def rms_norm(x, w):  # LlamaOps.rmsNorm
    return x.div(x.mul(x).mean(1, keepdim=True).add(eps).sqrt()).mul(w)


def rope(x):  # LlamaOps.rope: the halves by one split
    x1, x2 = x.split(D // 2, 2)
    return x * cos + torch.cat([-x2, x1], 2) * sin


def heads(x):  # FusedAttention.heads: [t, heads, d] to [1, heads, t, d]
    return x.transpose(0, 1).unsqueeze(0)


def step():
    x = F.embedding(ids, embedding)
    for w in layers:  # TrainableLlama.layer
        n = rms_norm(x, w["norm1"])
        q = rope(n.matmul(w["q"].t()).reshape(T, HEADS, D))
        k = rope(n.matmul(w["k"].t()).reshape(T, HEADS, D))
        v = n.matmul(w["v"].t()).reshape(T, HEADS, D)
        attended = F.scaled_dot_product_attention(heads(q), heads(k), heads(v), is_causal=True)
        h = x + attended.squeeze(0).transpose(0, 1).reshape(T, H).matmul(w["o"].t())
        post = rms_norm(h, w["norm2"])
        gate = post.matmul(w["gate"].t())
        x = h + (gate * torch.sigmoid(gate) * post.matmul(w["up"].t())).matmul(w["down"].t())
    positions = torch.nonzero(trained[1:]).squeeze(1)  # TokenLoss: logits only where the loss reads them
    logits = rms_norm(x, final_norm)[positions].matmul(embedding.t())
    loss = -logits.log_softmax(1).gather(1, ids[positions + 1].unsqueeze(1)).sum() / len(positions)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(params, 1.0, foreach=True)
    adam.step()
    adam.zero_grad()


times = []
for i in range(a.warmup_steps + a.steps):
    t0 = time.perf_counter()
    step()
    times.append(time.perf_counter() - t0)
median = statistics.median(times[a.warmup_steps:])
if a.profile:
    from torch.profiler import ProfilerActivity, profile
    with profile(activities=[ProfilerActivity.CPU], record_shapes=True) as prof:  # as `bench train --profile` records
        for _ in range(10):
            step()
    prof.export_chrome_trace(a.profile)
print(f"asynclm's ops in eager torch {torch.__version__}, {T} tokens, {a.threads} threads: median step {median:.3f} s, "
      f"{T / median:.0f} tokens/s")
