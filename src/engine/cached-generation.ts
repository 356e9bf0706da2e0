import type { GenerateOptions } from '../gpu/generate.ts';
import type { ModelConfig } from '../model/config.ts';
import { stopIndex } from '../model/stops.ts';
import { sampleToken } from './sampling.ts';

/** One row of generateCached: its log-probabilities in float64, before the engine rounds them. */
export interface CachedGeneration {
  readonly tokens: readonly number[];
  readonly logProbs: readonly number[];
  readonly finish: 'stop' | 'length';
}

/**
 * Generation on a CPU engine (the reference and the fast one): each row reads its prompt once into
 * its own key-value cache, then decodes one token per step, every row still going through one
 * forward. The rules are the GPU's (gpu/generate.ts): the longest prompt bounds every row's new
 * tokens, row b samples from stream (seed, step, b), and a row ends after the first stop sequence
 * it generates. `forward` reads tokens[k] after caches[k] and returns the logits [K, V] after each.
 */
export function generateRows<Cache>(
  config: ModelConfig,
  prompts: readonly ArrayLike<number>[],
  options: GenerateOptions,
  newCache: (capacity: number) => Cache,
  forward: (caches: readonly Cache[], tokens: readonly ArrayLike<number>[]) => Float64Array,
): CachedGeneration[] {
  if (prompts.length === 0) return [];
  const P = Math.max(...prompts.map((prompt) => prompt.length));
  if (Math.min(...prompts.map((prompt) => prompt.length)) === 0) {
    throw new Error('Every prompt needs at least one token.');
  }
  if (P >= config.context) {
    throw new Error(
      `A prompt has ${P} tokens; the model reads at most ${config.context - 1} before generating.`,
    );
  }
  if (!(options.temperature >= 0)) throw new Error(`temperature must be >= 0 (got ${options.temperature}).`);
  // As on the GPU, where the rows share one cache: the longest prompt bounds every row's length.
  const maxNew = Math.min(options.maxNewTokens, config.context - P);
  if (!Number.isInteger(maxNew) || maxNew < 1) {
    throw new Error(`maxNewTokens must be a positive integer (got ${options.maxNewTokens}).`);
  }
  const seed = (options.seed ?? 0) >>> 0;
  const stops = (options.stopSequences ?? []).filter((stop) => stop.length > 0);
  const V = config.vocabSize;
  // Each row reads its own prompt into a cache of its own length (no padding on the CPU); then
  // every step decodes one token for each row still going, all of them through one forward.
  const caches = prompts.map((prompt) => newCache(prompt.length + maxNew - 1));
  let logits: Float64Array = new Float64Array(prompts.length * V);
  for (const [b, prompt] of prompts.entries()) {
    logits.set(forward([caches[b]!], [prompt]), b * V);
  }
  const rows = prompts.map(() => ({ tokens: [] as number[], logProbs: [] as number[] }));
  const finish = new Array<CachedGeneration['finish'] | null>(prompts.length).fill(null);
  let going = prompts.map((_, b) => b);
  for (;;) {
    for (const [k, b] of going.entries()) {
      const { tokens, logProbs } = rows[b]!;
      const row = logits.subarray(k * V, (k + 1) * V);
      const { token, logProb } = sampleToken(row, options.temperature, seed, tokens.length, b);
      tokens.push(token);
      logProbs.push(logProb);
      if (stopIndex(Int32Array.from(tokens), stops) >= 0) finish[b] = 'stop';
      else if (tokens.length === maxNew) finish[b] = 'length';
    }
    going = going.filter((b) => finish[b] === null);
    if (going.length === 0) return rows.map((row, b) => ({ ...row, finish: finish[b]! }));
    const next = going.map((b) => rows[b]!.tokens.slice(-1));
    logits = forward(
      going.map((b) => caches[b]!),
      next,
    );
  }
}
