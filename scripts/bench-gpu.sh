#!/usr/bin/env bash
# Runs the benchmark harness on WebGPU with a real GPU (on a machine that has one and a Chromium that
# can reach it): the same reports, the same figures, WebGPU instead of WASM. On a machine without a GPU
# Chromium offers only its SwiftShader software adapter, and the harness labels the row as such.
# Usage: scripts/bench-gpu.sh [more npm run bench flags], e.g. scripts/bench-gpu.sh --reports 24 --json gpu.json
set -euo pipefail
cd "$(dirname "$0")/.."
# Vulkan is how headless Chromium reaches a Linux GPU; --enable-unsafe-webgpu is set by the harness.
export CHROMIUM_EXTRA_ARGS="${CHROMIUM_EXTRA_ARGS:---use-angle=vulkan --enable-features=Vulkan,VulkanFromANGLE --ignore-gpu-blocklist}"
exec node scripts/bench.mjs --backend webgpu --threads 1 "$@"
