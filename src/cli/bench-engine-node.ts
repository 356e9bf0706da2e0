import { cpus } from 'node:os';
import { create, globals } from 'webgpu';
import { BENCH_ENGINE_OPTIONS_HELP, parseBenchEngineOptions } from '../harness/bench-engine-plan.ts';
import { runEngineBench } from '../harness/bench-engine.ts';

/**
 * The engine benchmark in Node on Dawn (the `webgpu` package), for GPU machines without a browser:
 * the same measurements and the same JSON as `npm run lab -- bench engine`, with the TF.js fields
 * null (TF.js's WebGPU backend needs a browser). scripts/pack-gpu-bench.sh bundles this file into
 * .gpu-carry/bench.mjs; see the usage below for running it.
 */

const USAGE = `node bench.mjs [options]     (on a GPU machine: bash .gpu-carry/on-gpu.sh .gpu-carry/bench.mjs [options])
  The engine benchmark on Dawn. Progress goes to stderr; the last line of stdout is the JSON report.
${BENCH_ENGINE_OPTIONS_HELP}`;

function readOptions(argv: readonly string[]): Map<string, string> {
  const options = new Map<string, string>();
  const flags = ['json', 'no-tfjs', 'help'];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [name = '', inline] = arg.replace(/^--/, '').split(/=(.*)/s);
    if (!arg.startsWith('--')) throw new Error(`Unexpected argument "${arg}".`);
    if (flags.includes(name)) options.set(name, 'true');
    else {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new Error(`--${name} needs a value.`);
      options.set(name, value);
    }
  }
  return options;
}

async function main(argv: readonly string[]): Promise<number> {
  let options: Map<string, string>;
  let request;
  try {
    options = readOptions(argv);
    if (options.has('help')) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    for (const name of options.keys()) {
      if (!['json', 'no-tfjs', 'sizes', 'presets', 'batch', 'generate', 'runs'].includes(name))
        throw new Error(`Unknown option --${name}.`);
    }
    request = parseBenchEngineOptions(options);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  Object.assign(globalThis, globals);
  // Dawn's own switches: none; VK_ICD_FILENAMES / VK_DRIVER_FILES choose the Vulkan driver.
  const gpu = create([]);
  const report = await runEngineBench(request, {
    gpu,
    runtime: `node ${process.versions.node} dawn (webgpu npm package), ${cpus().length} cores`,
    onProgress: (line) => process.stderr.write(`${line}\n`),
    tfjs: { skipped: 'TF.js needs a browser: run `npm run lab -- bench engine` for the TF.js comparison.' },
  });
  process.stdout.write(`${JSON.stringify(report)}\n`);
  return 0;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(
    `bench engine: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
}
// Dawn keeps the event loop alive: leave once the report is out.
process.exit();
