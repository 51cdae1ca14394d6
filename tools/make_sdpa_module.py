"""The fused attention that training calls through DJL, which has no binding for scaled_dot_product_attention.

A TorchScript module of a few KB: causal attention of one example, q/k/v as [1, heads, t, head_dim] (4-D, with
the key/value heads already repeated: 3-D inputs and enable_gqa fall back to PyTorch's slow math kernel). Its
backward runs through DJL's autograd (ScaledDotProductFlashAttentionForCpuBackward0 on CPU).

  pip install torch   # scripted with torch 2.13; libtorch 2.7.1 (DJL 0.35.1) loads it
  python tools/make_sdpa_module.py
Writes model/src/main/resources/org/asynclm/model/llama/sdpa_causal.pt. torch.jit is deprecated in new torch
releases, so the .pt is committed and never rebuilt in CI."""
import pathlib
import torch


class CausalAttention(torch.nn.Module):
    def forward(self, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
        return torch.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True)


out = pathlib.Path(__file__).resolve().parent.parent / "model/src/main/resources/org/asynclm/model/llama/sdpa_causal.pt"
torch.jit.script(CausalAttention()).save(str(out))

# A check that the saved module is causal attention, against the formula.
m = torch.jit.load(str(out))
q, k, v = (torch.randn(1, 4, 9, 8) for _ in range(3))
scores = (q @ k.transpose(-1, -2)) / 8 ** 0.5 + torch.triu(torch.full((9, 9), float("-inf")), 1)
print(out, out.stat().st_size, "bytes; max |diff| vs formula",
      (m(q, k, v) - scores.softmax(-1) @ v).abs().max().item())
