import type { Engine, Generation } from '../engine/engine.ts';
import type { PolicyStep, StepPolicy } from '../experts/episode.ts';
import type { ExpertView } from '../experts/expert.ts';
import { encodePrompt, parseTarget, type PromptOptions, type StepContext } from './prompt.ts';
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

interface Request {
  readonly prompt: Int32Array;
  readonly truncated: boolean;
  readonly resolve: (step: PolicyStep) => void;
  readonly reject: (error: unknown) => void;
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

  private readonly queue: Request[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private generating = false;
  private readonly promptBudget: number;
  private readonly flushAfterMs: number;

  constructor(
    private readonly engine: Pick<Engine, 'generate'>,
    private readonly options: ModelPolicyOptions,
  ) {
    const { context, maxNewTokens, batchSize } = options;
    if (!Number.isInteger(maxNewTokens) || maxNewTokens < 1) {
      throw new Error(`maxNewTokens must be a positive whole number; got ${maxNewTokens}.`);
    }
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new Error(
        `The model policy's batchSize (the pool's K) must be a positive whole number; got ${batchSize}.`,
      );
    }
    this.promptBudget = context - maxNewTokens;
    if (this.promptBudget < 2) {
      throw new Error(
        `A context of ${context} tokens leaves no room for a prompt after ${maxNewTokens} new tokens: ` +
          'raise the model context or lower model.maxNewTokens.',
      );
    }
    this.flushAfterMs = options.flushAfterMs ?? 4;
    this.policy = (view) => this.step(view);
  }

  private step(view: ExpertView): Promise<PolicyStep> {
    const { observation, history } = view;
    const context: StepContext = {
      goal: observation.utterance,
      observation: observation.text,
      history,
      lastError: observation.lastError,
    };
    return new Promise<PolicyStep>((resolve, reject) => {
      const encoded = encodePrompt(this.options.tokenizer, context, this.options.prompt, this.promptBudget);
      this.queue.push({
        prompt: Int32Array.from(encoded.tokens),
        truncated: encoded.truncated,
        resolve,
        reject,
      });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.generating || this.queue.length === 0) return;
    if (this.queue.length >= this.options.batchSize) {
      void this.flush();
    } else {
      this.timer = setTimeout(() => {
        this.timer = null;
        void this.flush();
      }, this.flushAfterMs);
    }
  }

  private async flush(): Promise<void> {
    const batch = this.queue.splice(0, this.options.batchSize);
    if (batch.length === 0) return;
    this.generating = true;
    const { temperature, maxNewTokens, tokenizer } = this.options;
    const seed = generationSeed(this.options.seed, this.stats.calls);
    this.stats.calls++;
    this.stats.prompts += batch.length;
    for (const request of batch) this.stats.promptTokens += request.prompt.length;
    let generations: Generation[];
    try {
      generations = await this.engine.generate(
        batch.map((request) => request.prompt),
        { maxNewTokens, temperature, seed, stopSequences: [[END_OF_TARGET]] },
      );
      if (generations.length !== batch.length) {
        throw new Error(`The engine returned ${generations.length} generations for ${batch.length} prompts.`);
      }
    } catch (error) {
      this.generating = false;
      for (const request of batch) request.reject(error);
      this.schedule();
      return;
    }
    this.generating = false;
    batch.forEach((request, i) => {
      const generation = generations[i] as Generation;
      this.stats.generatedTokens += generation.tokens.length;
      const { thought, action } = parseTarget(tokenizer.decode(generation.tokens));
      request.resolve({
        thought,
        action,
        sample: {
          prompt: request.prompt,
          tokens: generation.tokens,
          logProbs: generation.logProbs,
          truncated: request.truncated,
        },
      });
    });
    this.schedule();
  }
}
