"""Writes model/src/test/resources/golden/dtypes.safetensors with PyTorch and safetensors: the same float32 source
values stored as F32, F16 and BF16 (PyTorch's own rounding), plus dtypes.json with the source values and, for each
dtype, the values PyTorch reads back as float32. The Java reader must read these exactly and the Java writer must
produce the same bytes. Run: python tools/make_safetensors_golden.py (needs torch and safetensors)."""
import json
import struct
import pathlib
import torch
from safetensors.torch import save_file

out = pathlib.Path(__file__).resolve().parent.parent / "model/src/test/resources/golden"
out.mkdir(parents=True, exist_ok=True)
# Values chosen to hit rounding: ties, subnormals, overflow to inf in f16, negative zero, large and tiny.
source = [0.0, -0.0, 1.0, -1.5, 3.14159265, 1e-3, 6.1e-5, 1e-8, 65504.0, 70000.0, -1e30, 1.00390625,
          1.005859375, 0.333333333, 2.5e-40, 123456.789, -7.0e-6, 0.1, 0.2, 0.7]
bits = [struct.unpack("<I", struct.pack("<f", v))[0] for v in source]  # exact float32 bit patterns
base = torch.tensor(source, dtype=torch.float32).reshape(4, 5)
tensors = {"f32": base.clone(), "f16": base.to(torch.float16), "bf16": base.to(torch.bfloat16)}
save_file(tensors, str(out / "dtypes.safetensors"), metadata={"format": "pt"})
readback = {k: [struct.unpack("<I", struct.pack("<f", x))[0] for x in v.to(torch.float32).flatten().tolist()]
            for k, v in tensors.items()}
raw = {k: v.contiguous().view(torch.uint8).flatten().tolist() for k, v in tensors.items()}
json.dump({"source_bits": bits, "readback_bits": readback, "raw_bytes": raw, "shape": [4, 5],
           "torch": torch.__version__}, open(out / "dtypes.json", "w"), indent=1)
print("wrote", out)
