#!/usr/bin/env bash
# Bundles the engine benchmark's Node entry (src/cli/bench-engine-node.ts) into one ESM file with
# esbuild, 'webgpu' left external and WGSL '?raw' imports inlined as text.
#   scripts/pack-gpu-bench.sh            -> ../shared/gpu/pack.sh (Node, Dawn, Vulkan loader), then
#                                           .gpu-carry/bench.mjs, for a GPU machine:
#                                           bash .gpu-carry/on-gpu.sh .gpu-carry/bench.mjs --json
#   scripts/pack-gpu-bench.sh --local    -> node_modules/.cache/bench-engine.mjs only, to run here:
#     VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json node node_modules/.cache/bench-engine.mjs --json
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
if [ "${1:-}" = "--local" ]; then
  out=node_modules/.cache/bench-engine.mjs
else
  shared=${SHARED_GPU_DIR:-$root/../shared/gpu}
  [ -x "$shared/pack.sh" ] || [ -f "$shared/pack.sh" ] || { echo "pack-gpu-bench: no $shared/pack.sh (set SHARED_GPU_DIR)" >&2; exit 1; }
  bash "$shared/pack.sh" "$root"
  out=.gpu-carry/bench.mjs
fi
mkdir -p "$(dirname "$out")"
OUT="$out" node --input-type=module - <<'JS'
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { build } from 'esbuild';

/** Vite's `import code from './x.wgsl?raw'`: the file's text. */
const rawText = {
  name: 'raw-text',
  setup(b) {
    b.onResolve({ filter: /\?raw$/ }, (args) => ({
      path: resolve(dirname(args.importer), args.path.slice(0, -'?raw'.length)),
      namespace: 'raw-text',
    }));
    b.onLoad({ filter: /.*/, namespace: 'raw-text' }, async (args) => ({
      contents: await readFile(args.path, 'utf8'),
      loader: 'text',
    }));
  },
};

await build({
  entryPoints: ['src/cli/bench-engine-node.ts'],
  outfile: process.env.OUT,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['webgpu'],
  plugins: [rawText],
  logLevel: 'warning',
});
JS
echo "pack-gpu-bench: wrote $out ($(du -h "$out" | cut -f1))"
