#!/usr/bin/env bash
# The GPU check: LoRA (r=8, all seven projections, the CML markers' embedding rows) on Llama 3.2 1B's real shapes with
# random weights, 20 measured steps on cuda:0 with rows of 2,048 tokens, once with an fp32 base and once with an fp16
# base; prints asynclm's table and the peak GPU memory nvidia-smi saw during each run.
#
#   PYTORCH_LIBRARY_PATH=.../site-packages/torch/lib PYTORCH_FLAVOR=cu128 tools/gpu_check.sh
#
# Needs an NVIDIA GPU, nvidia-smi, a JDK 21+ with Maven (bin/asynclm builds the CLI) and libtorch 2.7.1 for CUDA 12.8
# (pip install torch==2.7.1 --index-url https://download.pytorch.org/whl/cu128). Writes nothing but its output.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if ! command -v nvidia-smi >/dev/null; then
  echo "gpu_check: nvidia-smi is not on PATH: this machine has no NVIDIA driver" >&2
  exit 2
fi
if [[ -z "${PYTORCH_LIBRARY_PATH:-}" || "${PYTORCH_FLAVOR:-}" != cu128 ]]; then
  echo "gpu_check: set PYTORCH_LIBRARY_PATH to a libtorch 2.7.1+cu128 lib folder and PYTORCH_FLAVOR=cu128" >&2
  exit 2
fi
export DJL_OFFLINE=true
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
for precision in fp32 fp16; do
  log="$(mktemp)"
  nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -lms 200 >"$log" &
  poller=$!
  "$root/bin/asynclm" bench train --shape llama-3.2-1b --tokens 2048 --lora-rank 8 --base-precision "$precision" \
      --loss-chunk 1024 --device cuda:0 --steps 20 --warmup-steps 2
  kill "$poller"
  wait "$poller" 2>/dev/null || true
  echo "base $precision: peak GPU memory $(sort -n "$log" | tail -1) MiB (nvidia-smi, every 200 ms, whole device)"
  rm -f "$log"
done
