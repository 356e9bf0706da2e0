import type { TokenBatch } from '../model/batch.ts';
import { MODEL_PRESETS, PRESET_NAMES, type PresetName } from '../model/config.ts';

/**
 * The engine benchmark's sizes, options and report, as plain data shared by the page (harness),
 * the Node entry on Dawn and the CLI. Nothing here touches the GPU, so the CLI and unit tests can
 * import it without WebGPU or Vite.
 */

/** What the command line may change; everything else follows from the adapter. */
export interface BenchEngineRequest {
  /** Square matmul sizes (M = N = K). */
  readonly sizes?: readonly number[];
  /** Presets whose training step is timed (and whose matmul shapes are measured). */
  readonly presets?: readonly PresetName[];
  /** Sequences x tokens of each training batch. */
  readonly batch?: readonly [number, number];
  /** Batch sizes of the generation measurement. */
  readonly generateBatches?: readonly number[];
  /** Timed runs per measurement (each after the warm-up runs). */
  readonly runs?: number;
  /** False to skip the TF.js side (its fields become null). */
  readonly tfjs: boolean;
}

/** out [M, N] = a [M, K] b [N, K]^T: the engine's linear layer (inp weight^T). */
export interface MatmulShape {
  readonly name: string;
  readonly M: number;
  readonly N: number;
  readonly K: number;
}

export interface TrainShape {
  readonly preset: PresetName;
  readonly batchSize: number;
  readonly seqLen: number;
}

export interface GenerateShape {
  readonly preset: PresetName;
  readonly batchSizes: readonly number[];
  readonly promptTokens: number;
  readonly newTokens: number;
}

/** Every size one run measures. */
export interface BenchEnginePlan {
  readonly scaledForSoftwareAdapter: boolean;
  readonly matmuls: readonly MatmulShape[];
  readonly train: readonly TrainShape[];
  readonly generate: GenerateShape;
  /** Presets whose GPU memory is reported, at these batch shapes (one training step each). */
  readonly memory: readonly TrainShape[];
  readonly warmupRuns: number;
  readonly timedRuns: number;
  /** A timed run repeats a small matmul until it lasts this long, so submission overhead does not dominate. */
  readonly minRunSeconds: number;
  readonly vocabSize: number;
}

/** UTF-8 bytes and four special tokens: the tokenizer's default vocabulary. */
export const BENCH_VOCAB_SIZE = 260;

const FULL = {
  sizes: [1024, 2048, 4096],
  presets: ['small', 'base'] as PresetName[],
  batch: [16, 1024] as const,
  generate: { preset: 'small' as PresetName, batchSizes: [16, 64], promptTokens: 32, newTokens: 128 },
  warmupRuns: 3,
  timedRuns: 7,
  minRunSeconds: 0.05,
};

/** SwiftShader does about 0.3 GFLOP/s on 2 cores: the full sizes would take hours there. */
const SOFTWARE = {
  sizes: [128, 256, 512],
  presets: ['nano'] as PresetName[],
  batch: [4, 64] as const,
  generate: { preset: 'nano' as PresetName, batchSizes: [16, 64], promptTokens: 8, newTokens: 16 },
  warmupRuns: 1,
  timedRuns: 3,
  minRunSeconds: 0,
};

/** The sizes for this adapter: full on a GPU, scaled down on a software adapter; the request overrides either. */
export function planBenchEngine(request: BenchEngineRequest, isFallbackAdapter: boolean): BenchEnginePlan {
  const base = isFallbackAdapter ? SOFTWARE : FULL;
  const sizes = request.sizes ?? base.sizes;
  const presets = request.presets ?? base.presets;
  const [batchSize, seqLen] = request.batch ?? base.batch;
  const train = presets.map((preset) => ({
    preset,
    batchSize,
    seqLen: Math.min(seqLen, MODEL_PRESETS[preset].context),
  }));
  const matmuls: MatmulShape[] = sizes.map((n) => ({ name: String(n), M: n, N: n, K: n }));
  for (const { preset, batchSize: B, seqLen: T } of train) {
    const { width: C, ffWidth: F } = MODEL_PRESETS[preset];
    const N = B * T;
    matmuls.push(
      { name: `${preset}.qkv`, M: N, N: 3 * C, K: C },
      { name: `${preset}.attn_proj`, M: N, N: C, K: C },
      { name: `${preset}.fc`, M: N, N: F, K: C },
      { name: `${preset}.fc_proj`, M: N, N: C, K: F },
      { name: `${preset}.logits`, M: N, N: BENCH_VOCAB_SIZE, K: C },
    );
  }
  // On a GPU every preset's memory at the full batch; on SwiftShader only what is trained anyway.
  const memory =
    isFallbackAdapter || request.presets !== undefined
      ? train
      : PRESET_NAMES.map((preset) => ({
          preset,
          batchSize,
          seqLen: Math.min(seqLen, MODEL_PRESETS[preset].context),
        }));
  return {
    scaledForSoftwareAdapter: isFallbackAdapter && !(request.sizes && request.presets && request.batch),
    matmuls,
    train,
    generate: { ...base.generate, batchSizes: request.generateBatches ?? base.generate.batchSizes },
    memory,
    warmupRuns: base.warmupRuns,
    timedRuns: request.runs ?? base.timedRuns,
    minRunSeconds: base.minRunSeconds,
    vocabSize: BENCH_VOCAB_SIZE,
  };
}

export const BENCH_ENGINE_OPTIONS_HELP = `  --sizes N,N,...     square matmul sizes (default 1024,2048,4096; 128,256,512 on a software adapter)
  --presets P,P,...   presets to train: ${PRESET_NAMES.join(', ')} (default small,base; nano on a software adapter)
  --batch BxT         sequences x tokens of a training batch (default 16x1024; 4x64 on a software adapter)
  --generate B,B,...  batch sizes of the generation measurement (default 16,64)
  --runs N            timed runs per measurement, after the warm-up (default 7; 3 on a software adapter)
  --no-tfjs           skip the TF.js comparison
  --json              print only the report, as one JSON line`;

/**
 * The options after `bench engine` (all but --json, which the caller reads). Throws an Error whose
 * message says what is wrong.
 */
export function parseBenchEngineOptions(options: ReadonlyMap<string, string>): BenchEngineRequest {
  const wholeList = (name: string, max: number): number[] | undefined => {
    const text = options.get(name);
    if (text === undefined) return undefined;
    const values = text.split(',').map((part) => Number(part.trim()));
    if (values.some((n) => !Number.isInteger(n) || n < 1 || n > max) || values.length === 0) {
      throw new Error(`--${name} must be whole numbers from 1 to ${max} separated by commas, not "${text}".`);
    }
    return values;
  };
  const sizes = wholeList('sizes', 8192);
  const runs = wholeList('runs', 1000);
  const generateBatches = wholeList('generate', 1024);
  if (runs !== undefined && runs.length !== 1) throw new Error('--runs takes one number.');
  let presets: PresetName[] | undefined;
  const presetText = options.get('presets');
  if (presetText !== undefined) {
    presets = presetText.split(',').map((name) => {
      const preset = name.trim() as PresetName;
      if (!PRESET_NAMES.includes(preset)) {
        throw new Error(`There is no preset "${name.trim()}". Presets: ${PRESET_NAMES.join(', ')}.`);
      }
      return preset;
    });
  }
  let batch: [number, number] | undefined;
  const batchText = options.get('batch');
  if (batchText !== undefined) {
    const match = /^(\d+)x(\d+)$/.exec(batchText.trim());
    const B = Number(match?.[1]);
    const T = Number(match?.[2]);
    if (!match || B < 1 || T < 2 || B * T > 1 << 20) {
      throw new Error(
        `--batch must be sequences x tokens like 16x1024 (at most 2^20 tokens), not "${batchText}".`,
      );
    }
    batch = [B, T];
  }
  return {
    ...(sizes && { sizes }),
    ...(presets && { presets }),
    ...(batch && { batch }),
    ...(generateBatches && { generateBatches }),
    ...(runs && { runs: runs[0] }),
    tfjs: !options.has('no-tfjs'),
  };
}

/** The adapter as reported (GPUAdapterInfo's fields are getters: copied into plain data). */
export interface AdapterReport {
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
  readonly isFallbackAdapter: boolean;
}

/** What the engine's own side measured. */
export interface EngineMeasurements {
  readonly matmulGflops: Record<string, number>;
  readonly trainTokensPerSecond: Record<string, number>;
  readonly trainStepMs: Record<string, number>;
  readonly generateTokensPerSecond: Record<string, number>;
  readonly gpuBytes: Record<string, number>;
}

/** What the same work written with TF.js measured, or why it was not measured. */
export type TfjsMeasurements =
  | {
      readonly matmulGflops: Record<string, number>;
      readonly trainTokensPerSecond: Record<string, number>;
      readonly version: string;
      readonly backend: string;
    }
  | { readonly skipped: string };

/** The JSON line; snake_case as the issue names the fields. */
export interface BenchEngineReport {
  adapter: AdapterReport;
  runtime: string;
  scaled_for_software_adapter: boolean;
  sizes: {
    matmul: Record<string, [number, number, number]>;
    train: Record<string, string>;
    generate: { preset: string; batch_sizes: number[]; prompt_tokens: number; new_tokens: number };
    gpu_bytes: Record<string, string>;
    warmup_runs: number;
    timed_runs: number;
    vocab_size: number;
  };
  matmul_gflops: Record<string, number>;
  train_tokens_per_s: Record<string, number>;
  train_step_ms: Record<string, number>;
  generate_tokens_per_s: Record<string, number>;
  gpu_bytes: Record<string, number>;
  tfjs_matmul_gflops: Record<string, number> | null;
  tfjs_train_tokens_per_s: Record<string, number> | null;
  ratio_matmul: Record<string, number> | null;
  ratio_train: Record<string, number> | null;
  tfjs: { version: string; backend: string; note: string } | { skipped: string };
}

const TFJS_NOTE =
  'TF.js: same shapes, tfjs-backend-webgpu, its autodiff and tf.train.adam (no weight decay, no clipping), ' +
  'plain attention with a [T, T] mask, on its own device of the same adapter.';

export function assembleReport(
  adapter: AdapterReport,
  runtime: string,
  plan: BenchEnginePlan,
  ours: EngineMeasurements,
  tfjs: TfjsMeasurements,
): BenchEngineReport {
  const shape = (s: TrainShape): string => `${s.batchSize}x${s.seqLen}`;
  const measured = 'skipped' in tfjs ? null : tfjs;
  return {
    adapter,
    runtime,
    scaled_for_software_adapter: plan.scaledForSoftwareAdapter,
    sizes: {
      matmul: Object.fromEntries(plan.matmuls.map((m) => [m.name, [m.M, m.N, m.K]])),
      train: Object.fromEntries(plan.train.map((t) => [t.preset, shape(t)])),
      generate: {
        preset: plan.generate.preset,
        batch_sizes: [...plan.generate.batchSizes],
        prompt_tokens: plan.generate.promptTokens,
        new_tokens: plan.generate.newTokens,
      },
      gpu_bytes: Object.fromEntries(plan.memory.map((t) => [t.preset, shape(t)])),
      warmup_runs: plan.warmupRuns,
      timed_runs: plan.timedRuns,
      vocab_size: plan.vocabSize,
    },
    matmul_gflops: ours.matmulGflops,
    train_tokens_per_s: ours.trainTokensPerSecond,
    train_step_ms: ours.trainStepMs,
    generate_tokens_per_s: ours.generateTokensPerSecond,
    gpu_bytes: ours.gpuBytes,
    tfjs_matmul_gflops: measured?.matmulGflops ?? null,
    tfjs_train_tokens_per_s: measured?.trainTokensPerSecond ?? null,
    ratio_matmul: measured ? ratios(ours.matmulGflops, measured.matmulGflops) : null,
    ratio_train: measured ? ratios(ours.trainTokensPerSecond, measured.trainTokensPerSecond) : null,
    tfjs: measured
      ? { version: measured.version, backend: measured.backend, note: TFJS_NOTE }
      : { skipped: (tfjs as { skipped: string }).skipped },
  };
}

/** ours / theirs for every key both have. */
function ratios(ours: Record<string, number>, theirs: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(ours)) {
    const other = theirs[key];
    if (other !== undefined && other > 0) out[key] = round(value / other, 3);
  }
  return out;
}

/** Three significant digits: enough for a speed, short in a JSON line. */
export function round(value: number, digits = 3): number {
  if (!Number.isFinite(value) || value === 0) return value;
  return Number(value.toPrecision(digits));
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Median seconds of `run` after `warmup` untimed runs. `run` must return only once its GPU work is
 * finished (a read-back or onSubmittedWorkDone).
 */
export async function timeRuns(run: () => Promise<void>, warmup: number, runs: number): Promise<number> {
  for (let i = 0; i < warmup; i++) await run();
  const seconds: number[] = [];
  for (let i = 0; i < Math.max(1, runs); i++) {
    const start = performance.now();
    await run();
    seconds.push((performance.now() - start) / 1000);
  }
  return median(seconds);
}

/**
 * Seconds of one call of `repeat(1)`: a repetition count is chosen so that a timed run lasts at
 * least `minRunSeconds` (small matmuls on a fast GPU would otherwise measure the submission).
 */
export async function timeRepeated(
  repeat: (count: number) => Promise<void>,
  plan: BenchEnginePlan,
): Promise<number> {
  for (let i = 0; i < plan.warmupRuns; i++) await repeat(1);
  let count = 1;
  if (plan.minRunSeconds > 0) {
    const once = await timeRuns(() => repeat(1), 0, 3);
    count = Math.min(1000, Math.max(1, Math.ceil(plan.minRunSeconds / Math.max(once, 1e-6))));
  }
  return (await timeRuns(() => repeat(count), 1, plan.timedRuns)) / count;
}

/** Uniform in [-1, 1): a deterministic stream, so every run multiplies the same numbers. */
export function randomFloats(count: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < count; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    out[i] = (state >>> 0) / 2 ** 31 - 1;
  }
  return out;
}

/** A batch of random tokens and targets (every token counts in the loss). */
export function randomBatch(batchSize: number, seqLen: number, vocabSize: number, seed: number): TokenBatch {
  const N = batchSize * seqLen;
  const noise = randomFloats(2 * N, seed);
  const token = (x: number): number => Math.min(vocabSize - 1, Math.floor(((x + 1) / 2) * vocabSize));
  return {
    batchSize,
    seqLen,
    tokens: Int32Array.from({ length: N }, (_, i) => token(noise[i]!)),
    targets: Int32Array.from({ length: N }, (_, i) => token(noise[N + i]!)),
  };
}
