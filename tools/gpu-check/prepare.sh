#!/usr/bin/env bash
# Run HERE (the CPU machine, network available): builds the gitignored .gpu/ folder that travels to the GPU machine.
#   .gpu/check.mjs        esbuild bundle of tools/gpu-check/check.ts (tfjs + wasm + webgpu backends + medad compute)
#   .gpu/wasm/*.wasm      tfjs-backend-wasm binaries (no node_modules travels)
#   .gpu/node_modules/webgpu/{package.json,index.js} + .gpu/dawn.node.xz   Dawn bindings, linux-x64 only
#   .gpu/node.xz          this machine's node binary (the GPU machine has no Node.js)
#   .gpu/deb/libvulkan1*.deb   Vulkan loader (the GPU machine has the NVIDIA driver but no loader)
#   .gpu/run.sh           what to run there
#   .gpu/torch_ae.py      ../shared/bench's PyTorch AE timing, run there on CUDA beside the check
# SKIP_NODE=1 / SKIP_DEB=1 skip the slow or network steps (for a local dry run).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
G=.gpu
rm -rf "$G"
mkdir -p "$G/wasm" "$G/node_modules/webgpu" "$G/deb"

# ESM bundle; the wasm backend's Emscripten glue is CommonJS and wants require/__dirname, which ESM lacks. sharp (native,
# reached through the detectors' imports, never used by the check) is replaced by a stub.
npx esbuild tools/gpu-check/check.ts --bundle --platform=node --format=esm --target=node20 \
  --outfile="$G/check.mjs" --log-level=warning \
  --external:webgpu --external:@tensorflow/tfjs-node --external:@tensorflow/tfjs-node-gpu \
  --alias:sharp=./tools/gpu-check/no-sharp.ts \
  --banner:js="import { createRequire as __cr } from 'node:module'; import { fileURLToPath as __fu } from 'node:url'; import { dirname as __dn } from 'node:path'; const require = __cr(import.meta.url); const __filename = __fu(import.meta.url); const __dirname = __dn(__filename);"

cp node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm "$G/wasm/"
cp node_modules/webgpu/package.json node_modules/webgpu/index.js "$G/node_modules/webgpu/"
xz -T0 -9 -c node_modules/webgpu/dist/linux-x64/dawn.node > "$G/dawn.node.xz"
if [ "${SKIP_NODE:-0}" != 1 ]; then xz -T0 -9 -c "$(command -v node)" > "$G/node.xz"; fi
if [ "${SKIP_DEB:-0}" != 1 ]; then
  # Private apt lists (gitignored /.apt-lists/) so the system's apt state is untouched; download needs no root.
  mkdir -p .apt-lists/partial
  o=(-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 "-oDir::State::Lists=$ROOT/.apt-lists")
  apt-get "${o[@]}" update -qq
  (cd "$G/deb" && apt-get "${o[@]}" download libvulkan1)
fi
cp tools/gpu-check/run.sh "$G/run.sh"
# The PyTorch yardstick, run beside the check on the GPU machine (not committed here: it lives in ../shared/bench).
if [ -f ../shared/bench/torch_ae.py ]; then cp ../shared/bench/torch_ae.py "$G/"; else echo "note: ../shared/bench/torch_ae.py not found; run.sh will skip PyTorch"; fi
chmod +x "$G/run.sh"
du -sh "$G"/* | sed 's/^/  /'
echo "prepared $G ($(du -sh "$G" | cut -f1)); on the GPU machine: bash .gpu/run.sh [--quick]"
