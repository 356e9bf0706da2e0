#!/usr/bin/env bash
# Bundles two Node entries into one ESM file each with esbuild, 'webgpu' left external and WGSL '?raw'
# imports inlined as text: the engine benchmark (src/cli/bench-engine-node.ts -> bench.mjs) and the
# lab's CLI (src/cli/main.ts -> lab/lab.js; its browser commands load Playwright and Vite only when used,
# so `run --dom node` and `pretrain` work where only Node and Dawn are).
#   scripts/pack-gpu-bench.sh            -> ../shared/gpu/pack.sh (Node, Dawn, Vulkan loader), then
#                                           .gpu-carry/bench.mjs and .gpu-carry/lab/lab.js; on a GPU machine:
#     bash .gpu-carry/on-gpu.sh .gpu-carry/bench.mjs --json
#     bash .gpu-carry/on-gpu.sh .gpu-carry/lab/lab.js run --config configs/micro-sft.json --dom node --engine webgpu --json
#   scripts/pack-gpu-bench.sh --local    -> node_modules/.cache/bench-engine.mjs and node_modules/.cache/lab/ only, to run here:
#     VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json node node_modules/.cache/bench-engine.mjs --json
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
if [ "${1:-}" = "--local" ]; then
  out=node_modules/.cache/bench-engine.mjs
  lab=node_modules/.cache/lab
else
  shared=${SHARED_GPU_DIR:-$root/../shared/gpu}
  [ -x "$shared/pack.sh" ] || [ -f "$shared/pack.sh" ] || { echo "pack-gpu-bench: no $shared/pack.sh (set SHARED_GPU_DIR)" >&2; exit 1; }
  bash "$shared/pack.sh" "$root"
  out=.gpu-carry/bench.mjs
  lab=.gpu-carry/lab
fi
mkdir -p "$(dirname "$out")"
rm -rf "$lab"
OUT="$out" LAB="$lab" node --input-type=module - <<'JS'
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

/** The browser side of the CLI (Playwright, Vite) stays out: it is imported only by browser commands. */
const browserSideExternal = {
  name: 'browser-side-external',
  setup(b) {
    b.onResolve({ filter: /lab-browser\.ts$/ }, (args) => ({ path: args.path, external: true }));
  },
};

const common = { bundle: true, format: 'esm', platform: 'node', target: 'node20', logLevel: 'warning' };
await build({
  ...common,
  entryPoints: ['src/cli/bench-engine-node.ts'],
  outfile: process.env.OUT,
  external: ['webgpu'],
  plugins: [rawText],
});
// Split into chunks: each command's modules load when it runs, so the browser commands' imports of
// Playwright and Vite are never reached by `run --dom node` or `pretrain`.
await build({
  ...common,
  entryPoints: { lab: 'src/cli/main.ts' },
  outdir: process.env.LAB,
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  // Some dependencies of happy-dom are CommonJS and require Node's built-ins.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  external: ['webgpu', 'playwright-core', 'vite'],
  plugins: [rawText, browserSideExternal],
});
JS
echo "pack-gpu-bench: wrote $out ($(du -h "$out" | cut -f1)) and $lab/ ($(du -sh "$lab" | cut -f1))"
