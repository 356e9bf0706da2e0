import {
  encodePrompt,
  encodeTarget,
  promptText,
  recordedContext,
  targetText,
  type PromptOptions,
} from '../agent/prompt.ts';
import { PADDING, type Tokenizer } from '../agent/tokenizer.ts';
import type { EpisodeResult } from '../env/episode.ts';
import type { TraceRecord } from '../store/records.ts';
import { packExamples, type Example, type PackedBatch } from '../model/packing.ts';

/**
 * Episodes into training examples (train/batches.ts Example): one example per step, the prompt the
 * student reads at that step and the target it should write. SFT takes teacher traces (text) and
 * tokenises them as the student's own prompts are built, so the student trains on exactly what it
 * will read; RL takes the student's own samples, token for token, with each step's advantage.
 */

export interface ExampleOptions {
  readonly prompt: PromptOptions;
  /** The model's context. */
  readonly context: number;
  /** The student's generation budget: its prompts hold at most context - maxNewTokens tokens. */
  readonly maxNewTokens: number;
}

/**
 * Every step of a teacher trace as an SFT example. The history of a step is the actions of the
 * steps before it in the episode, as the env's history is at that step. A target longer than
 * maxNewTokens (a verbose teacher) takes its room from the prompt, so prompt + target always fit.
 */
export function traceExamples(tokenizer: Tokenizer, trace: TraceRecord, options: ExampleOptions): Example[] {
  const { context, maxNewTokens } = options;
  return trace.steps.map((step, t) => {
    const target = encodeTarget(tokenizer, { thought: step.thought, action: step.action });
    if (target.length > context - 2) {
      throw new Error(
        `A teacher step of ${trace.task} (seed ${trace.seed}) writes ${target.length} tokens, more than the ` +
          `model's context of ${context} can hold with a prompt: use a larger preset or a terser teacher.`,
      );
    }
    const promptBudget = Math.min(context - maxNewTokens, context + 1 - target.length);
    const history = trace.steps.slice(0, t).map((previous) => previous.action);
    const encoded = encodePrompt(tokenizer, recordedContext(step, history), options.prompt, promptBudget);
    return { prompt: encoded.tokens, target };
  });
}

/** An RL example: the student's step sample, its advantage on every generated token, and the tokens' old log-probabilities. */
export interface RlExample extends Example {
  readonly weights: Float64Array;
  readonly oldLogProbs: Float32Array;
  readonly advantage: number;
}

/** Every sampled step of the episodes as an RL example with its advantage (advantages[i][t] for step t of episode i). */
export function rolloutExamples(
  episodes: readonly EpisodeResult[],
  advantages: readonly (readonly number[])[],
): RlExample[] {
  const examples: RlExample[] = [];
  episodes.forEach((episode, i) => {
    episode.steps.forEach((step, t) => {
      const sample = step.sample;
      // A step without generated tokens has nothing to credit (the context was full).
      if (!sample || sample.tokens.length === 0) return;
      const advantage = advantages[i]?.[t] ?? 0;
      examples.push({
        prompt: sample.prompt,
        target: sample.tokens,
        weights: new Float64Array(sample.tokens.length).fill(advantage),
        oldLogProbs: sample.logProbs,
        advantage,
      });
    });
  });
  return examples;
}

/** A token count that keeps one micro-batch's activations modest on every preset. */
const TOKENS_PER_MICRO_BATCH = 16_384;

/** Examples per micro-batch: at most TOKENS_PER_MICRO_BATCH tokens even if every example fills the context. */
export function examplesPerMicroBatch(context: number): number {
  return Math.max(1, Math.floor(TOKENS_PER_MICRO_BATCH / context));
}

/** The engine's maxTokens: room for the largest micro-batch (generation splits its prompts into groups that fit). */
export function engineMaxTokens(context: number): number {
  return examplesPerMicroBatch(context) * context;
}

export interface MicroBatch {
  readonly packed: PackedBatch;
  readonly examples: readonly Example[];
}

/**
 * One optimizer step's examples as micro-batches (gradient accumulation), each packed on its own,
 * all with the same normaliser so the step is that of the whole batch.
 */
export function packMicroBatches(
  examples: readonly Example[],
  options: { context: number; packing: boolean; normaliser: number; oldLogProbs?: boolean },
): MicroBatch[] {
  const perBatch = examplesPerMicroBatch(options.context);
  const out: MicroBatch[] = [];
  for (let start = 0; start < examples.length; start += perBatch) {
    const slice = examples.slice(start, start + perBatch);
    const packed = packExamples(slice, {
      context: options.context,
      packing: options.packing,
      padding: PADDING,
      normaliser: options.normaliser,
      oldLogProbs: options.oldLogProbs ?? false,
    });
    out.push({ packed, examples: slice });
  }
  return out;
}

/** Target tokens over the examples: the normaliser that makes a loss the mean over target tokens. */
export function targetTokens(examples: readonly Example[]): number {
  return examples.reduce((sum, example) => sum + example.target.length, 0);
}

/** The prompt and target texts of a dataset, for learning a vocabulary from them. */
export function* datasetTexts(traces: readonly TraceRecord[], prompt: PromptOptions): Generator<string> {
  for (const trace of traces) {
    const history: string[] = [];
    for (const step of trace.steps) {
      yield promptText(recordedContext(step, [...history]), prompt);
      yield targetText(step);
      history.push(step.action);
    }
  }
}
