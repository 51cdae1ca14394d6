"""The optimiser step that training calls through DJL in one call: clipping to a global norm, then AdamW.

Written op by op in Java, the step is about 360 JNI calls (some 15 ops for each of the 20 weights of the tiny model,
each a scalar made and an op run), and on the 2-core machine, under libtorch's profiler (`bench train --profile`),
they took 21.5 ms of wall time a step for 6.7 ms of arithmetic. PyTorch's own AdamW runs the same arithmetic as a
few _foreach ops over all the weights at once; this module does the same, one call a step. The formula is
torch.optim.AdamW's (decoupled weight decay, bias-corrected moments, as _multi_tensor_adamw writes it), and the
clipping is torch.nn.utils.clip_grad_norm_'s: the norm of the gradients' norms, the gradients scaled by
max_norm / norm when it is exceeded (no 1e-6 added: asynclm's step has always scaled by exactly that). The gradients
are zeroed at the end, ready for the next step's accumulation.

  pip install torch   # scripted with torch 2.13; libtorch 2.7.1 (DJL 0.35.1) loads it
  python tools/make_adamw_module.py
Writes training/src/main/resources/org/asynclm/training/optim/adamw_step.pt. torch.jit is deprecated in new torch
releases, so the .pt is committed and never rebuilt in CI."""
import math
import pathlib
from typing import List

import torch


def float32(x: float) -> float:
    """x as a float32 scalar ends up: beyond float32's range, infinite. The _foreach ops refuse a finite scalar too
    large for float32 ("cannot be converted to type float without overflow"), where a float32 tensor would hold inf;
    so a learning rate that overflows gives infinite weights, which the trainer reports as a diverged run, and not an
    error from inside the module."""
    if abs(x) > 3.4028234663852886e38:
        return math.copysign(math.inf, x)
    return x


class AdamWStep(torch.nn.Module):
    def forward(self, params: List[torch.Tensor], exp_avgs: List[torch.Tensor], exp_avg_sqs: List[torch.Tensor],
                lr: float, step: int, beta1: float, beta2: float, eps: float, weight_decay: float,
                max_norm: float) -> torch.Tensor:
        with torch.no_grad():
            grads: List[torch.Tensor] = []
            for p in params:
                g = p.grad
                assert g is not None, "a parameter has no gradient"
                grads.append(g)
            norm = torch.linalg.vector_norm(torch.stack(torch._foreach_norm(grads)))
            total = norm.item()
            if total > max_norm:
                torch._foreach_mul_(grads, max_norm / total)
            torch._foreach_lerp_(exp_avgs, grads, 1 - beta1)
            torch._foreach_mul_(exp_avg_sqs, beta2)
            torch._foreach_addcmul_(exp_avg_sqs, grads, grads, 1 - beta2)
            torch._foreach_mul_(params, float32(1 - lr * weight_decay))
            step_size = float32(lr / (1 - beta1 ** step))
            denominators = torch._foreach_sqrt(exp_avg_sqs)
            torch._foreach_div_(denominators, math.sqrt(1 - beta2 ** step))
            torch._foreach_add_(denominators, eps)
            torch._foreach_addcdiv_(params, exp_avgs, denominators, -step_size)
            torch._foreach_zero_(grads)
            return norm


out = pathlib.Path(__file__).resolve().parent.parent / "training/src/main/resources/org/asynclm/training/optim/adamw_step.pt"
torch.jit.script(AdamWStep()).save(str(out))

# A check against torch.optim.AdamW and clip_grad_norm_ over three steps with clipping in the second.
m = torch.jit.load(str(out))
torch.manual_seed(0)
ours = [torch.randn(5, 3, requires_grad=True), torch.randn(7, requires_grad=True)]
theirs = [p.detach().clone().requires_grad_() for p in ours]
moments = [[torch.zeros_like(p) for p in ours], [torch.zeros_like(p) for p in ours]]
reference = torch.optim.AdamW(theirs, lr=1e-2, weight_decay=0.01)
worst = 0.0
for step, scale in enumerate([0.1, 10.0, 0.5], start=1):
    grads = [torch.randn_like(p) * scale for p in ours]
    for p, q, g in zip(ours, theirs, grads):
        p.grad = g.clone()
        q.grad = g.clone()
    norm = m(ours, moments[0], moments[1], 1e-2, step, 0.9, 0.999, 1e-8, 0.01, 1.0)
    expected = torch.nn.utils.clip_grad_norm_(theirs, 1.0)
    reference.step()
    reference.zero_grad()
    worst = max([worst, abs(norm.item() - expected.item())] + [(p - q).abs().max().item() for p, q in zip(ours, theirs)])
print(out, out.stat().st_size, "bytes; max |diff| vs torch.optim.AdamW and clip_grad_norm_ over 3 steps", worst)

# A rate that overflows float32 gives infinite weights, not an error.
huge = [torch.ones(3, requires_grad=True)]
huge[0].grad = torch.ones(3)
m(huge, [torch.zeros(3)], [torch.zeros(3)], 1e39, 1, 0.9, 0.999, 1e-8, 0.01, 1.0)
print("learning rate 1e39: weights", huge[0].tolist())
