import { spawnSync } from 'node:child_process';
import { FastCpuEngine } from '../engine/cpu/engine.ts';
import { CpuRuntime } from '../engine/cpu/runtime.ts';
import { CpuEngine } from '../engine/cpu-engine.ts';
import type { Engine } from '../engine/engine.ts';
import { modelConfig, type PresetName } from '../model/config.ts';
import type { Command } from './args.ts';
import type { CliIo } from './io.ts';

type BenchCpuCommand = Extract<Command, { kind: 'bench-cpu' }>;

/**
 * `bench cpu`: the fast CPU engine's training step (nano 8 x 128, small 8 x 256), generation
 * (8 prompts) and largest matmul, beside PyTorch on the CPU with as many threads
 * (bench/pytorch_engine.py) when `import torch` works, else beside the float64 reference engine;
 * generation is always also timed on the reference engine (the CPU generation the fast engine
 * replaces). Every number of a ratio comes from this one run: on a shared machine only those
 * compare. The vocabulary is PyTorch script's (260), the optimizer settings the same.
 */

const VOCAB_SIZE = 260;
const TRAIN: readonly { preset: PresetName; B: number; T: number }[] = [
  { preset: 'nano', B: 8, T: 128 },
  { preset: 'small', B: 8, T: 256 },
];
const GENERATE = { preset: 'small' as PresetName, batch: 8, promptTokens: 32, newTokens: 64 };
/** The largest product of a small training step: the MLP's down projection, [N, F] x [F, C]. */
const MATMUL = { key: 'small.fc_proj', M: 2048, N: 128, K: 512 };
const ADAMW = {
  learningRate: 3e-4,
  beta1: 0.9,
  beta2: 0.95,
  epsilon: 1e-8,
  weightDecay: 0.1,
  maxGradNorm: 1,
};

/** Untimed runs first, as many as bench/pytorch_engine.py's: JIT tiers, memory growth, worker start. */
const WARMUP_RUNS = 3;

async function median(runs: number, run: () => Promise<void>): Promise<number> {
  for (let i = 0; i < WARMUP_RUNS; i++) await run();
  const seconds: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await run();
    seconds.push((performance.now() - start) / 1000);
  }
  seconds.sort((a, b) => a - b);
  return seconds[Math.floor(seconds.length / 2)]!;
}

function batchOf(
  B: number,
  T: number,
  seed: number,
): { batchSize: number; seqLen: number; tokens: Int32Array; targets: Int32Array } {
  const tokens = Int32Array.from({ length: B * T }, (_, i) => (i * 7919 + seed) % VOCAB_SIZE);
  const targets = Int32Array.from({ length: B * T }, (_, i) => (i * 104729 + seed) % VOCAB_SIZE);
  return { batchSize: B, seqLen: T, tokens, targets };
}

async function trainTokensPerSecond(
  engine: Engine,
  preset: PresetName,
  B: number,
  T: number,
  runs: number,
): Promise<number> {
  await engine.create(modelConfig(preset, { vocabSize: VOCAB_SIZE }), 1);
  const batch = batchOf(B, T, 3);
  const seconds = await median(runs, async () => {
    await engine.trainStep(batch, ADAMW);
  });
  return round3((B * T) / seconds);
}

async function generateTokensPerSecond(engine: Engine, runs: number): Promise<number> {
  await engine.create(modelConfig(GENERATE.preset, { vocabSize: VOCAB_SIZE }), 1);
  const prompts = Array.from(
    { length: GENERATE.batch },
    (_, b) => batchOf(1, GENERATE.promptTokens, b).tokens,
  );
  let tokens = 0;
  const seconds = await median(runs, async () => {
    const rows = await engine.generate(prompts, {
      maxNewTokens: GENERATE.newTokens,
      temperature: 1,
      seed: 1,
    });
    tokens = rows.reduce((sum, row) => sum + row.tokens.length, 0);
  });
  return round3(tokens / seconds);
}

function round3(x: number): number {
  return Number(x.toPrecision(3));
}

/** The PyTorch half of the benchmark, or why it did not run. */
function runPytorch(
  threads: number,
  runs: number,
  io: CliIo,
): { report: Record<string, unknown> | null; why: string } {
  const python = ['python3', '/usr/bin/python3'].find(
    (exe) => spawnSync(exe, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0,
  );
  if (python === undefined)
    return { report: null, why: 'no python3 with torch (python3 -c "import torch" failed)' };
  // OpenBLAS tuning variables of the environment would pin PyTorch to another kernel: unset here only.
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const train = TRAIN.map(({ preset, B, T }) => `${preset}:${B}x${T}`).join(',');
  const args = ['bench/pytorch_engine.py', '--device', 'cpu', '--threads', String(threads), '--train', train];
  args.push('--sizes', '512', '--generate', String(GENERATE.batch), '--generate-preset', GENERATE.preset);
  args.push('--new-tokens', String(GENERATE.newTokens), '--runs', String(runs), '--json');
  io.err(`pytorch: ${python} ${args.join(' ')}`);
  const result = spawnSync(python, args, { env, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (result.status !== 0)
    return { report: null, why: `bench/pytorch_engine.py failed: ${result.stderr.slice(-500)}` };
  const last = result.stdout.trim().split('\n').at(-1)!;
  return { report: JSON.parse(last) as Record<string, unknown>, why: '' };
}

export async function runBenchCpuCommand(command: BenchCpuCommand, io: CliIo): Promise<number> {
  const fast = await FastCpuEngine.open(null, command.threads === null ? {} : { threads: command.threads });
  const threads = fast.threads;
  const simd = fast.simd;
  io.err(`fast CPU engine: ${(await fast.info()).adapter}`);
  const train: Record<string, number> = {};
  for (const { preset, B, T } of TRAIN) {
    train[preset] = await trainTokensPerSecond(fast, preset, B, T, command.runs);
    io.err(`lab train ${preset} ${B}x${T}: ${train[preset]} tokens/s`);
  }
  const generate = await generateTokensPerSecond(fast, command.runs);
  io.err(`lab generate batch ${GENERATE.batch}: ${generate} tokens/s`);
  await fast.dispose();

  const rt = await CpuRuntime.create({ threads });
  rt.reset(0, MATMUL.M * MATMUL.K + MATMUL.K * MATMUL.N + MATMUL.M * MATMUL.N + 64);
  const [a, b, c] = [
    rt.alloc(MATMUL.M * MATMUL.K),
    rt.alloc(MATMUL.K * MATMUL.N),
    rt.alloc(MATMUL.M * MATMUL.N),
  ];
  a.fill(0.5);
  b.fill(0.25);
  const matmulSeconds = await median(command.runs, async () => {
    for (let i = 0; i < 10; i++)
      rt.matmul(a, 0, b, 0, c, 0, MATMUL.M, MATMUL.N, MATMUL.K, MATMUL.K, 1, MATMUL.N, MATMUL.N);
  });
  const matmul = round3((20 * MATMUL.M * MATMUL.N * MATMUL.K) / matmulSeconds / 1e9);
  rt.dispose();
  io.err(`lab matmul ${MATMUL.key}: ${matmul} GFLOP/s`);

  const reference = new CpuEngine();
  const referenceGenerate = await generateTokensPerSecond(reference, command.runs);
  io.err(`reference engine generate batch ${GENERATE.batch}: ${referenceGenerate} tokens/s`);

  const pytorch = command.pytorch
    ? runPytorch(threads, command.runs, io)
    : { report: null, why: '--no-pytorch' };
  const baseline: Record<string, number> = {};
  let baselineName: string;
  if (pytorch.report !== null) {
    baselineName = 'pytorch';
    const fused = pytorch.report.train_tokens_per_s as Record<string, number> | null;
    Object.assign(
      baseline,
      fused ?? (pytorch.report.train_tokens_per_s_plain_attention as Record<string, number>),
    );
  } else {
    baselineName = 'reference';
    io.err(`PyTorch skipped (${pytorch.why}): the baseline is the float64 reference engine`);
    for (const { preset, B, T } of TRAIN)
      baseline[preset] = await trainTokensPerSecond(reference, preset, B, T, 1);
  }
  const ratio = (x: number, y: number | undefined): number | null => (y ? round3(x / y) : null);
  const pytorchMatmul = (pytorch.report?.matmul_gflops as Record<string, number> | undefined)?.[MATMUL.key];
  const pytorchGenerate = (pytorch.report?.generate_tokens_per_s as Record<string, number> | undefined)?.[
    String(GENERATE.batch)
  ];
  const report = {
    threads,
    simd,
    baseline: baselineName,
    sizes: {
      train: Object.fromEntries(TRAIN.map(({ preset, B, T }) => [preset, `${B}x${T}`])),
      generate: GENERATE,
      matmul: MATMUL,
      vocab_size: VOCAB_SIZE,
      timed_runs: command.runs,
    },
    train_tokens_per_s: train,
    [`${baselineName}_train_tokens_per_s`]: baseline,
    ratio_train: Object.fromEntries(
      TRAIN.map(({ preset }) => [preset, ratio(train[preset]!, baseline[preset])]),
    ),
    generate_tokens_per_s: { [GENERATE.batch]: generate },
    reference_generate_tokens_per_s: { [GENERATE.batch]: referenceGenerate },
    ratio_generate_vs_reference: ratio(generate, referenceGenerate),
    pytorch_generate_tokens_per_s:
      pytorchGenerate === undefined ? null : { [GENERATE.batch]: pytorchGenerate },
    matmul_gflops: { [MATMUL.key]: matmul },
    pytorch_matmul_gflops: pytorchMatmul === undefined ? null : { [MATMUL.key]: pytorchMatmul },
    ratio_matmul: ratio(matmul, pytorchMatmul),
    pytorch: pytorch.report === null ? { skipped: pytorch.why } : { runtime: pytorch.report.runtime },
  };
  if (!command.json) {
    io.out(`threads ${threads}, baseline ${baselineName}`);
    for (const { preset } of TRAIN) {
      io.out(
        `train ${preset}: ${train[preset]} tokens/s vs ${baseline[preset]} (x${report.ratio_train[preset]})`,
      );
    }
  }
  io.out(JSON.stringify(report));
  return 0;
}
