"""The half-precision projection that LoRA training calls through DJL for a frozen base stored in fp16.

DJL's own casts (toType) run under no-grad, so a cast done with them cuts the gradient, and BFLOAT16 aborts the JVM
in DJL 0.35.1. Done inside TorchScript the casts stay on the autograd graph: x (fp32) is cast to the weight's dtype,
multiplied by the frozen fp16 weight, and the product cast back to fp32, so the gradient reaches x and, through it,
the fp32 LoRA factors and the layers below. A module of a few KB.

  pip install torch   # scripted with torch 2.13; libtorch 2.7.1 (DJL 0.35.1) loads it
  python tools/make_half_linear_module.py
Writes model/src/main/resources/org/asynclm/model/llama/half_linear.pt. torch.jit is deprecated in new torch
releases, so the .pt is committed and never rebuilt in CI."""
import pathlib
import torch


class HalfLinear(torch.nn.Module):
    def forward(self, x: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
        return torch.nn.functional.linear(x.to(weight.dtype), weight).to(torch.float32)


out = pathlib.Path(__file__).resolve().parent.parent / "model/src/main/resources/org/asynclm/model/llama/half_linear.pt"
torch.jit.script(HalfLinear()).save(str(out))

# A check that the saved module is x·Wᵀ and that its gradient reaches x in fp32.
m = torch.jit.load(str(out))
x = torch.randn(5, 16, requires_grad=True)
w = torch.randn(8, 16)
y = m(x, w.half())
y.sum().backward()
print(out, out.stat().st_size, "bytes; dtype", y.dtype, "; max |diff| vs fp32", (y - x @ w.T).abs().max().item(),
      "; gradient", x.grad.dtype, "max |diff|", (x.grad - w.sum(0).expand(5, 16)).abs().max().item())
