import {
  BENCH_ENGINE_OPTIONS_HELP,
  parseBenchEngineOptions,
  type BenchEngineRequest,
} from '../harness/bench-engine-plan.ts';
import { BACKEND_CHOICES, type BackendChoice } from '../engine/engine.ts';
import { findTask } from '../tasks/registry.ts';
import { parseShard, type Shard } from '../sweep/shards.ts';
import { SPLITS } from '../tasks/splits.ts';

/** The commands of `npm run lab`, parsed and checked before anything starts. */
export type Command =
  | { kind: 'help'; text: string }
  | {
      kind: 'experts';
      split: string;
      /** Tasks named with --tasks, run instead of the split's; null runs the split. */
      tasks: string[] | null;
      seeds: number[];
      seedsText: string;
      json: boolean;
      dom: 'browser' | 'node';
      k: number;
      errorRate: number;
      miniwobDir: string | null;
    }
  | { kind: 'bench-env'; split: string; seeds: number[]; seedsText: string; json: boolean }
  | { kind: 'bench-engine'; request: BenchEngineRequest; json: boolean }
  | { kind: 'bench-cpu'; threads: number | null; runs: number; pytorch: boolean; json: boolean }
  | {
      kind: 'run';
      /** null only with --resume: the run keeps the configuration it was created with. */
      configPath: string | null;
      json: boolean;
      dom: 'browser' | 'node';
      engine: BackendChoice;
      /** Node: the FileStore's folder; browser: where the results file and final weights go (null: nowhere). */
      outDir: string | null;
      resume: string | null;
      /** Overrides env.poolSize; null keeps the configuration's. */
      k: number | null;
    }
  /** Handed whole to the pretrain, import and export commands, which read their own options. */
  | { kind: 'pretrain' | 'import' | 'export'; argv: string[] }
  | {
      kind: 'analyze';
      /** Results files, merged by run id. */
      files: string[];
      outDir: string;
      json: boolean;
      /** The bootstrap's B and seed; null keeps the analysis's defaults. */
      resamples: number | null;
      seed: number | null;
    }
  | SweepCommand;

/** `sweep`: what to do with a sweep spec (mode), and how. */
export interface SweepCommand {
  kind: 'sweep';
  /** plan: print the plan; run: run the sweep (or --shard's share) into --out. */
  mode: 'plan' | 'run';
  specPath: string;
  json: boolean;
  /** Overrides the id the spec implies (its name and a hash of it). */
  sweepId: string | null;
  /** run: this machine's share; null runs the whole sweep. */
  shard: Shard | null;
  /** run: where the results file goes (required then). */
  outDir: string | null;
  /** run: the folder store that keeps the runs between calls; null: DIR/store under --out. */
  storeDir: string | null;
  engine: BackendChoice;
  /** run: runs at once, each on an engine of its own. */
  parallel: number;
}

/** A mistake in the command line: the message says what is wrong, the usage follows it. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly usage: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

const SPLIT_NAMES = SPLITS.map((s) => s.name).join(', ');
const MAX_K = 64;
const MAX_PARALLEL = 16;
const MAX_SEEDS = 1_000_000;

export const EXPERTS_USAGE = `npm run lab -- experts [options]
  Runs every built task of a split (train and test tasks) with its scripted expert and reports
  each task's success rate. The last line is JSON with --json.
  --split NAME        ${SPLIT_NAMES} (default quick)
  --tasks A,B         only these built-in tasks, whatever split they are in (instead of --split)
  --seeds RANGES      seeds like 0-199 or 0-9,20,30-39 (default 0-199)
  --dom browser|node  browser: task pages in iframes in headless Chromium (default);
                      node: happy-dom in Node, no browser needed (tasks that need coordinates are skipped)
  --k N               iframes side by side in the browser, 1-${MAX_K} (default 8)
  --error-rate P      replace each expert step by a random action with probability P (default 0)
  --miniwob-dir DIR   run the official MiniWob++ pages from DIR (its miniwob/html folder) instead
  --json              print the report as one JSON line`;

export const BENCH_USAGE = `npm run lab -- bench env [options]
  Measures environment steps per second with the experts: in the page with 1 and 16 iframes, and
  the same episodes driven from outside through Playwright (as BrowserGym does). Last line: JSON.
  --split NAME        ${SPLIT_NAMES} (default quick)
  --seeds RANGES      seeds of every task (default 0-29; more seeds spread the page loads thinner)
  --json              print the report as one JSON line`;

export const BENCH_ENGINE_USAGE = `npm run lab -- bench engine [options]
  Measures the WebGPU engine in headless Chromium: matmul GFLOP/s, training and generation
  tokens/s, GPU memory per preset, and the same matmuls and training step in TF.js (WebGPU) with
  the ratios. On a software adapter (SwiftShader) the sizes are scaled down. Last line: JSON.
  For a GPU machine without a browser: scripts/pack-gpu-bench.sh (Node on Dawn, no TF.js).
${BENCH_ENGINE_OPTIONS_HELP}`;

export const BENCH_CPU_USAGE = `npm run lab -- bench cpu [options]
  Measures the fast CPU engine (float32 WebAssembly SIMD on every core): training tokens/s (nano
  8x128, small 8x256), generation of 8 prompts and the largest matmul, beside PyTorch on the CPU
  with as many threads (bench/pytorch_engine.py, when python3 has torch), else beside the float64
  reference engine, with the ratios. Last line: JSON.
  --threads N         threads of the lab's engine and of PyTorch (default: every core)
  --runs N            timed runs per measurement, after 3 warm-ups as PyTorch's (default 5)
  --no-pytorch        compare with the reference engine even where PyTorch is installed
  --json              print the report as one JSON line`;

export const ANALYZE_USAGE = `npm run lab -- analyze FILE... --out DIR [options]
  Merges results files (runs with the same id are read once) and writes DIR/summary.json: the
  bootstrap's win rates and T_h per hyperparameter at each SFT amount and pooled, on held-out goals
  and held-out tasks, beside T_h the expected best score per value with a 95% interval that assumes
  normal scores (expected_best in summary.json says how it is read), the recommended values, the Pareto frontier per strategy, the compute SFT+RL
  needs to match pure SFT, coverage flags and importance. A short summary goes to stdout.
  --out DIR           the folder to write summary.json in (made if missing)
  --resamples N       the bootstrap's B (default 1000)
  --seed N            the bootstrap's seed (default: a fixed one, so every machine agrees)
  --json              print summary.json on stdout as one line instead of the short summary`;

/** Node mode keeps its runs here unless --out names another folder. */
export const DEFAULT_RUNS_DIR = 'runs';

export const RUN_USAGE = `npm run lab -- run --config FILE [options]
  Runs one training run (SFT, then RL, as the configuration says: see configs/) with no UI.
  Progress goes to stderr; the last line of stdout is JSON: the run's summary (heldout_goals_success,
  heldout_tasks_success, flops, wall_s, ...) with run_id, dom and engine. Ctrl-C pauses the run at a
  checkpoint and prints how to resume it.
  --config FILE       the run configuration (JSON; every field optional, see src/train/config.ts)
  --dom browser|node  browser: task pages in iframes in headless Chromium, runs in its IndexedDB (default);
                      node: happy-dom in Node, runs in a folder (tasks that need coordinates are skipped)
  --engine auto|webgpu|cpu|reference  auto: WebGPU on a hardware adapter, else the fast CPU
                      engine (default); cpu: float32 WebAssembly on every core; reference: the
                      float64 CPU engine (slow); in Node, webgpu is Dawn (the webgpu package)
  --out DIR           node: the folder that keeps runs (default ${DEFAULT_RUNS_DIR}/); browser: write the
                      results file and the final weights (safetensors) there
  --resume RUN_ID     go on with a paused or interrupted run from its last checkpoint; the run keeps
                      the configuration it was created with (--config is then not needed)
  An LLM teacher's key (teacher.llm.apiKey) is never stored: a resumed run reads it from the
  environment variable LAB_LLM_API_KEY, which also overrides the configuration's for a new run.
  --k N               episodes side by side (iframes or DOM pages), 1-${MAX_K}; overrides env.poolSize
  --json              print only the JSON line on stdout (without it, a short table comes first)`;

export const SWEEP_USAGE = `npm run lab -- sweep --spec FILE (--plan | --out DIR) [options]
  --plan plans a sweep: the SFT run, the RL runs sampled at each SFT amount, the baselines, with their
  keys, strategies and estimated training FLOPs. The same spec gives the same plan on every machine.
  --out DIR runs it headless in Node (tasks on happy-dom), parents before the runs that branch from
  them, and writes DIR/results-shard-i-of-N.json after every finished run. Its runs are kept in a
  folder store: the same command again goes on after a crash or Ctrl-C (which pauses at a checkpoint).
  --spec FILE         the sweep spec (JSON; see configs/sweep-*.json and src/sweep/spec.ts)
  --plan              print the plan
  --out DIR           run the sweep; its results file goes here
  --shard i/N         run only shard i of N (0 <= i < N): N machines, one shard each, run the sweep
                      between them; a shard trains a parent it needs but does not own, without exporting it
  --store DIR         the folder that keeps the runs (default: DIR/store under --out)
  --engine E          auto, webgpu (Dawn), cpu or reference (default auto)
  --parallel N        runs at once, each on an engine of its own, 1-${MAX_PARALLEL} (default 1)
  --sweep-id ID       the sweep's id (default: the spec's name and a hash of the spec)
  --json              print the plan, or the sweep's outcome, as one JSON line`;

export const PRETRAIN_USAGE = `npm run lab -- pretrain [options]
  Pretrains the base student on generated pages (npm run lab -- pretrain --help for its options).`;

export const USAGE = `Usage: npm run lab -- <command> [options]

Commands:
  run         one training run (SFT, RL) from a configuration file
  pretrain    pretrain the base student on generated pages
  analyze     the statistical diagnosis of results files (summary.json and figures)
  sweep       plan a sweep of runs from a sweep spec, or run it (or one shard of it)
  import      merge results files into a folder store (import --help for its options)
  export      write a folder store's runs as a results file or CSV (export --help)
  experts     run the scripted experts on a split's tasks
  bench env   measure the environment's speed against a Playwright driver
  bench engine  measure the WebGPU engine against TF.js
  bench cpu   measure the fast CPU engine against PyTorch on the CPU
  help        show this text

Mistakes (a bad flag, configuration or store folder) print one message and exit 2; --verbose with
any command adds the stack of an error, for reporting a bug.

${RUN_USAGE}

${PRETRAIN_USAGE}

${ANALYZE_USAGE}

${SWEEP_USAGE}

${EXPERTS_USAGE}

${BENCH_USAGE}

${BENCH_ENGINE_USAGE}

${BENCH_CPU_USAGE}`;

/** Seeds written as comma-separated numbers and inclusive ranges: `0-199`, `3`, `0-9,20-29`. */
export function parseSeeds(text: string): number[] {
  const seeds = new Set<number>();
  for (const part of text.split(',')) {
    const match = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (!match) {
      throw new Error(
        `Cannot read seeds "${text}": write whole numbers and ranges like 0-199 or 0-9,20,30-39.`,
      );
    }
    const from = Number(match[1]);
    const to = match[2] === undefined ? from : Number(match[2]);
    if (to < from)
      throw new Error(`The seed range ${part.trim()} runs backwards: write it as ${to}-${from}.`);
    if (seeds.size + (to - from + 1) > MAX_SEEDS)
      throw new Error(`Too many seeds in "${text}": at most ${MAX_SEEDS}.`);
    for (let seed = from; seed <= to; seed++) seeds.add(seed);
  }
  return [...seeds];
}

/** Options of one command: `--name value`, `--name=value`, or a bare flag. */
function readOptions(
  args: string[],
  flags: readonly string[],
  valued: readonly string[],
  usage: string,
): Map<string, string> {
  const options = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (!arg.startsWith('--')) throw new UsageError(`Unexpected argument "${arg}".`, usage);
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    if (flags.includes(name)) {
      if (eq >= 0) throw new UsageError(`--${name} takes no value.`, usage);
      options.set(name, 'true');
    } else if (valued.includes(name)) {
      const value = eq >= 0 ? arg.slice(eq + 1) : args[++i];
      if (value === undefined || value === '' || (eq < 0 && value.startsWith('--')))
        throw new UsageError(`--${name} needs a value.`, usage);
      options.set(name, value);
    } else {
      throw new UsageError(`Unknown option --${name}.`, usage);
    }
  }
  return options;
}

function splitOption(options: Map<string, string>, usage: string): string {
  const split = options.get('split') ?? 'quick';
  if (!SPLITS.some((s) => s.name === split))
    throw new UsageError(`There is no split "${split}". Splits: ${SPLIT_NAMES}.`, usage);
  return split;
}

function tasksOption(options: Map<string, string>, usage: string): string[] | null {
  const text = options.get('tasks');
  if (text === undefined) return null;
  if (options.has('split')) throw new UsageError('Give --split or --tasks, not both.', usage);
  const names = text
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  if (names.length === 0) throw new UsageError('--tasks needs task names separated by commas.', usage);
  const unknown = names.filter((name) => !findTask(name));
  if (unknown.length > 0)
    throw new UsageError(`No built-in task named ${unknown.map((n) => `"${n}"`).join(', ')}.`, usage);
  return names;
}

function seedsOption(options: Map<string, string>, fallback: string, usage: string): [number[], string] {
  const text = options.get('seeds') ?? fallback;
  try {
    return [parseSeeds(text), text];
  } catch (error) {
    throw new UsageError((error as Error).message, usage);
  }
}

function numberOption(
  options: Map<string, string>,
  name: string,
  fallback: number,
  check: (n: number) => boolean,
  what: string,
  usage: string,
): number {
  const text = options.get(name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || !check(value))
    throw new UsageError(`--${name} must be ${what}, not "${text}".`, usage);
  return value;
}

export function parseArgs(argv: readonly string[]): Command {
  const [command, ...rest] = argv;
  const wantsHelp = rest.includes('--help') || rest.includes('-h');
  if (command === undefined) throw new UsageError('Name a command.', USAGE);
  if (command === 'help' || command === '--help' || command === '-h') return { kind: 'help', text: USAGE };

  if (command === 'run') {
    if (wantsHelp) return { kind: 'help', text: RUN_USAGE };
    return parseRun(rest);
  }

  if (command === 'analyze') {
    if (wantsHelp) return { kind: 'help', text: ANALYZE_USAGE };
    return parseAnalyze(rest);
  }

  if (command === 'sweep') {
    if (wantsHelp) return { kind: 'help', text: SWEEP_USAGE };
    return parseSweep(rest);
  }

  // These commands read their own options, --help included.
  if (command === 'pretrain' || command === 'import' || command === 'export')
    return { kind: command, argv: rest };

  if (command === 'experts') {
    if (wantsHelp) return { kind: 'help', text: EXPERTS_USAGE };
    const usage = EXPERTS_USAGE;
    const options = readOptions(
      rest,
      ['json'],
      ['split', 'tasks', 'seeds', 'dom', 'k', 'error-rate', 'miniwob-dir'],
      usage,
    );
    const dom = options.get('dom') ?? 'browser';
    if (dom !== 'browser' && dom !== 'node')
      throw new UsageError(`--dom must be browser or node, not "${dom}".`, usage);
    const miniwobDir = options.get('miniwob-dir') ?? null;
    if (miniwobDir !== null && dom === 'node')
      throw new UsageError(
        'The official pages run only in a browser: drop --dom node to use --miniwob-dir.',
        usage,
      );
    const [seeds, seedsText] = seedsOption(options, '0-199', usage);
    return {
      kind: 'experts',
      split: splitOption(options, usage),
      tasks: tasksOption(options, usage),
      seeds,
      seedsText,
      json: options.has('json'),
      dom,
      k: numberOption(
        options,
        'k',
        8,
        (n) => Number.isInteger(n) && n >= 1 && n <= MAX_K,
        `a whole number from 1 to ${MAX_K}`,
        usage,
      ),
      errorRate: numberOption(
        options,
        'error-rate',
        0,
        (p) => p >= 0 && p <= 1,
        'a probability from 0 to 1',
        usage,
      ),
      miniwobDir,
    };
  }

  if (command === 'bench') {
    const [what, ...benchArgs] = rest;
    if (what === 'engine') {
      if (wantsHelp) return { kind: 'help', text: BENCH_ENGINE_USAGE };
      const options = readOptions(
        benchArgs,
        ['json', 'no-tfjs'],
        ['sizes', 'presets', 'batch', 'generate', 'runs'],
        BENCH_ENGINE_USAGE,
      );
      try {
        return { kind: 'bench-engine', request: parseBenchEngineOptions(options), json: options.has('json') };
      } catch (error) {
        throw new UsageError((error as Error).message, BENCH_ENGINE_USAGE);
      }
    }
    if (what === 'cpu') {
      if (wantsHelp) return { kind: 'help', text: BENCH_CPU_USAGE };
      const options = readOptions(benchArgs, ['json', 'no-pytorch'], ['threads', 'runs'], BENCH_CPU_USAGE);
      const count = (name: string, fallback: number | null): number | null => {
        const text = options.get(name);
        if (text === undefined) return fallback;
        const value = Number(text);
        if (!Number.isInteger(value) || value < 1)
          throw new UsageError(`--${name} must be a positive integer (got ${text}).`, BENCH_CPU_USAGE);
        return value;
      };
      return {
        kind: 'bench-cpu',
        threads: count('threads', null),
        runs: count('runs', 5)!,
        pytorch: !options.has('no-pytorch'),
        json: options.has('json'),
      };
    }
    const allUsage = `${BENCH_USAGE}\n\n${BENCH_ENGINE_USAGE}\n\n${BENCH_CPU_USAGE}`;
    if (wantsHelp) return { kind: 'help', text: allUsage };
    if (what !== 'env')
      throw new UsageError(
        `bench measures "env", "engine" or "cpu"${what ? `, not "${what}"` : ''}.`,
        allUsage,
      );
    const options = readOptions(benchArgs, ['json'], ['split', 'seeds'], BENCH_USAGE);
    const [seeds, seedsText] = seedsOption(options, '0-29', BENCH_USAGE);
    return {
      kind: 'bench-env',
      split: splitOption(options, BENCH_USAGE),
      seeds,
      seedsText,
      json: options.has('json'),
    };
  }

  throw new UsageError(`Unknown command "${command}".`, USAGE);
}

function parseRun(args: string[]): Extract<Command, { kind: 'run' }> {
  const usage = RUN_USAGE;
  const options = readOptions(args, ['json'], ['config', 'dom', 'engine', 'out', 'resume', 'k'], usage);
  const dom = options.get('dom') ?? 'browser';
  if (dom !== 'browser' && dom !== 'node')
    throw new UsageError(`--dom must be browser or node, not "${dom}".`, usage);
  const engine = (options.get('engine') ?? 'auto') as BackendChoice;
  if (!BACKEND_CHOICES.includes(engine))
    throw new UsageError(`--engine must be auto, webgpu, cpu or reference, not "${engine}".`, usage);
  const resume = options.get('resume') ?? null;
  const configPath = options.get('config') ?? null;
  if (configPath === null && resume === null)
    throw new UsageError('Name the run configuration with --config FILE (examples in configs/).', usage);
  return {
    kind: 'run',
    configPath,
    json: options.has('json'),
    dom,
    engine,
    outDir: options.get('out') ?? (dom === 'node' ? DEFAULT_RUNS_DIR : null),
    resume,
    k: options.has('k')
      ? numberOption(
          options,
          'k',
          0,
          (n) => Number.isInteger(n) && n >= 1 && n <= MAX_K,
          `a whole number from 1 to ${MAX_K}`,
          usage,
        )
      : null,
  };
}

function parseAnalyze(args: string[]): Extract<Command, { kind: 'analyze' }> {
  const usage = ANALYZE_USAGE;
  const valued = ['out', 'resamples', 'seed'];
  // Files are the arguments that are neither an option nor an option's value.
  const files: string[] = [];
  const optionArgs: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (!arg.startsWith('--')) {
      files.push(arg);
      continue;
    }
    optionArgs.push(arg);
    if (!arg.includes('=') && valued.includes(arg.slice(2)) && args[i + 1] !== undefined)
      optionArgs.push(args[++i] as string);
  }
  const options = readOptions(optionArgs, ['json'], valued, usage);
  if (files.length === 0)
    throw new UsageError(
      'Name at least one results file (exported from the lab or written by a sweep).',
      usage,
    );
  const outDir = options.get('out');
  if (outDir === undefined)
    throw new UsageError('Name the folder to write summary.json in with --out DIR.', usage);
  const whole = (name: string, min: number): number | null =>
    options.has(name)
      ? numberOption(
          options,
          name,
          0,
          (n) => Number.isInteger(n) && n >= min,
          `a whole number of at least ${min}`,
          usage,
        )
      : null;
  return {
    kind: 'analyze',
    files,
    outDir,
    json: options.has('json'),
    resamples: whole('resamples', 1),
    seed: whole('seed', 0),
  };
}

function parseSweep(args: string[]): SweepCommand {
  const usage = SWEEP_USAGE;
  const options = readOptions(
    args,
    ['plan', 'json'],
    ['spec', 'sweep-id', 'out', 'shard', 'store', 'engine', 'parallel'],
    usage,
  );
  const specPath = options.get('spec');
  if (specPath === undefined)
    throw new UsageError('Name the sweep spec with --spec FILE (examples: configs/sweep-*.json).', usage);
  const plan = options.has('plan');
  const outDir = options.get('out') ?? null;
  if (plan === (outDir !== null))
    throw new UsageError(
      'Say what to do with the spec: --plan prints its planned runs, --out DIR runs them.',
      usage,
    );
  const sweepId = options.get('sweep-id') ?? null;
  if (sweepId !== null && !/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(sweepId))
    throw new UsageError(
      `--sweep-id "${sweepId}": use up to 100 letters, digits, ".", "_" or "-", starting with a letter or digit (run ids are made from it).`,
      usage,
    );
  let shard: Shard | null = null;
  if (options.has('shard')) {
    try {
      shard = parseShard(options.get('shard')!);
    } catch (error) {
      throw new UsageError((error as Error).message, usage);
    }
  }
  const engine = (options.get('engine') ?? 'auto') as BackendChoice;
  if (!BACKEND_CHOICES.includes(engine))
    throw new UsageError(`--engine must be auto, webgpu, cpu or reference, not "${engine}".`, usage);
  return {
    kind: 'sweep',
    mode: plan ? 'plan' : 'run',
    specPath,
    json: options.has('json'),
    sweepId,
    shard,
    outDir,
    storeDir: options.get('store') ?? null,
    engine,
    parallel: numberOption(
      options,
      'parallel',
      1,
      (n) => Number.isInteger(n) && n >= 1 && n <= MAX_PARALLEL,
      `a whole number from 1 to ${MAX_PARALLEL}`,
      usage,
    ),
  };
}
