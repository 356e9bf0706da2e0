import type { Engine, Generation } from '../engine/engine.ts';
import type { PolicyStep, StepPolicy, StepView } from '../env/episode.ts';
import { encodePrompt, parseTarget, viewContext, type PromptOptions } from './prompt.ts';
import { StepBatcher, type WaitingStep } from './step-batcher.ts';
import { END_OF_TARGET, type Tokenizer } from './tokenizer.ts';

export interface ModelPolicyOptions {
  readonly tokenizer: Tokenizer;
  /** The model's context: prompt and generated tokens together. */
  readonly context: number;
  readonly prompt: PromptOptions;
  /** 0 = greedy. */
  readonly temperature: number;
  /** Tokens generated per step at most (model.maxNewTokens, 96 by default); the prompt gets the rest of the context. */
  readonly maxNewTokens: number;
  /** Sampling seed base; each generate call uses a distinct derived 32-bit seed. */
  readonly seed: number;
  /** Flush when this many steps wait (the pool's K). */
  readonly batchSize: number;
  /** Or when no new request came for this long (default 4). */
  readonly flushAfterMs?: number;
}

export interface ModelPolicyStats {
  /** generate calls made. */
  calls: number;
  prompts: number;
  promptTokens: number;
  generatedTokens: number;
}

interface Request extends WaitingStep {
  readonly prompt: Int32Array;
  readonly truncated: boolean;
}

/** Tokens a prompt may take when the step may generate maxNewTokens: the rest of the context. */
export function promptBudget(context: number, maxNewTokens: number): number {
  if (!Number.isInteger(maxNewTokens) || maxNewTokens < 1) {
    throw new Error(`maxNewTokens must be a positive whole number; got ${maxNewTokens}.`);
  }
  const budget = context - maxNewTokens;
  if (budget < 2) {
    throw new Error(
      `A context of ${context} tokens leaves no room for a prompt after ${maxNewTokens} new tokens: ` +
        'raise the model context or lower model.maxNewTokens.',
    );
  }
  return budget;
}

/** A 32-bit mix of the seed base and the call's index (a murmur3 finaliser), so no two calls share a stream. */
export function generationSeed(base: number, call: number): number {
  let h = (Math.imul(base >>> 0, 0x9e3779b1) ^ Math.imul(call + 1, 0x85ebca6b)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The student as a policy, batched across the K episodes an env pool has in flight: each step's
 * prompt waits until `batchSize` steps wait or no new step came for `flushAfterMs`, then one
 * generate call serves them all. One call runs at a time (the engine is one model); steps that
 * arrive meanwhile form the next batch.
 */
export class ModelPolicy {
  readonly policy: StepPolicy;
  readonly stats: ModelPolicyStats = { calls: 0, prompts: 0, promptTokens: 0, generatedTokens: 0 };

  private readonly batcher: StepBatcher<Request>;
  private readonly promptBudget: number;

  constructor(
    private readonly engine: Pick<Engine, 'generate'>,
    private readonly options: ModelPolicyOptions,
  ) {
    const { context, maxNewTokens, batchSize } = options;
    this.promptBudget = promptBudget(context, maxNewTokens);
    this.batcher = new StepBatcher(batchSize, options.flushAfterMs ?? 4, (batch) => this.generate(batch));
    this.policy = (view) => this.step(view);
  }

  private step(view: StepView): Promise<PolicyStep> {
    const context = viewContext(view);
    return new Promise<PolicyStep>((resolve, reject) => {
      const encoded = encodePrompt(this.options.tokenizer, context, this.options.prompt, this.promptBudget);
      this.batcher.push({
        prompt: Int32Array.from(encoded.tokens),
        truncated: encoded.truncated,
        resolve,
        reject,
      });
    });
  }

  /** One generate call for the batch; each generation read back as a thought and an action. */
  private async generate(batch: readonly Request[]): Promise<PolicyStep[]> {
    const { temperature, maxNewTokens, tokenizer } = this.options;
    const seed = generationSeed(this.options.seed, this.stats.calls);
    this.stats.calls++;
    this.stats.prompts += batch.length;
    for (const request of batch) this.stats.promptTokens += request.prompt.length;
    const generations: Generation[] = await this.engine.generate(
      batch.map((request) => request.prompt),
      { maxNewTokens, temperature, seed, stopSequences: [[END_OF_TARGET]] },
    );
    return generations.map((generation, i) => {
      const request = batch[i] as Request;
      this.stats.generatedTokens += generation.tokens.length;
      const { thought, action } = parseTarget(tokenizer.decode(generation.tokens));
      return {
        thought,
        action,
        sample: {
          prompt: request.prompt,
          tokens: generation.tokens,
          logProbs: generation.logProbs,
          truncated: request.truncated,
        },
      };
    });
  }
}
