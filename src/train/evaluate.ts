import { ConstrainedModelPolicy, extraInferenceFlops } from '../agent/constrained-policy.ts';
import { ModelPolicy, type ModelPolicyOptions } from '../agent/model-policy.ts';
import type { PromptOptions } from '../agent/prompt.ts';
import type { Tokenizer } from '../agent/tokenizer.ts';
import type { Engine } from '../engine/engine.ts';
import type { PoolEpisode, PoolProgress } from '../env/runner.ts';
import type { EpisodeRunner } from '../env/runner.ts';
import type { EpisodeResult, StepPolicy } from '../env/episode.ts';
import type { ModelConfig } from '../model/config.ts';
import { inferenceFlops } from './compute.ts';
import { engineMaxTokens } from './examples.ts';

/**
 * Evaluation (PAPER.md, pipeline step 7): the student plays every task on every seed given
 * (held-out goals: training tasks x seeds 0-2; held-out tasks: test tasks x seeds 0-9), and its
 * success rate is reported with its standard error and per task. Its generated tokens are counted
 * as evaluation FLOPs.
 */

/** What evaluations share: the decoding, the prompt and the model. */
export interface EvaluationSettings {
  /** 0: greedy. */
  readonly temperature: number;
  readonly prompt: PromptOptions;
  readonly model: ModelConfig;
  readonly maxNewTokens: number;
  /** Seed of sampling (when temperature > 0). */
  readonly seed: number;
  /** Grammar-constrained decoding (rl.constrainedDecoding): in training and in test alike. */
  readonly constrainedDecoding: boolean;
  readonly onEpisode?: (result: EpisodeResult, progress: PoolProgress) => void;
}

/** A set of goals to evaluate on: every task on every seed. */
export interface EvaluationSet {
  readonly tasks: readonly string[];
  readonly seeds: readonly number[];
}

export type EvaluationOptions = EvaluationSettings & EvaluationSet;

export interface Evaluation {
  /** Mean success over the episodes (0 when there were none). */
  success: number;
  /** sqrt(p (1 - p) / n), the binomial standard error. */
  stderr: number;
  perTask: Record<string, number>;
  episodes: number;
  flops: number;
}

/** Every step's inference FLOPs: prompt and generated tokens of its sample. */
export function sampleFlops(shape: ModelConfig, results: readonly EpisodeResult[]): number {
  let flops = 0;
  for (const result of results) {
    for (const step of result.steps) {
      if (step.sample) flops += inferenceFlops(shape, step.sample.prompt.length, step.sample.tokens.length);
    }
  }
  return flops;
}

/** The student as a policy, with the FLOPs it spends beyond its steps' own samples. */
export interface StudentPolicy {
  readonly policy: StepPolicy;
  /** Inference FLOPs not in the samples: the candidates constrained decoding scores (0 otherwise). */
  extraFlops(): number;
}

/**
 * The student's policy: free decoding (ModelPolicy), or grammar-constrained decoding that can only
 * emit well-formed actions naming bids on the page (ConstrainedModelPolicy), whose extra scoring
 * passes are charged as inference FLOPs.
 */
export function studentPolicy(
  engine: Engine,
  options: ModelPolicyOptions,
  constrainedDecoding: boolean,
  model: ModelConfig,
): StudentPolicy {
  if (!constrainedDecoding) return { policy: new ModelPolicy(engine, options).policy, extraFlops: () => 0 };
  const constrained = new ConstrainedModelPolicy(engine, {
    ...options,
    maxBatchTokens: engineMaxTokens(options.context),
  });
  return { policy: constrained.policy, extraFlops: () => extraInferenceFlops(model, constrained.stats) };
}

/**
 * A model policy whose engine errors are kept: runners end an episode whose policy throws as a
 * failure and go on, but an engine that fails (a lost device) must stop the run, not score zero.
 */
export function guardedModelPolicy(modelPolicy: { readonly policy: StepPolicy }): {
  policy: StepPolicy;
  rethrow(): void;
} {
  let engineError: unknown = null;
  const policy: StepPolicy = async (view) => {
    if (engineError !== null) throw engineError;
    try {
      return await modelPolicy.policy(view);
    } catch (error) {
      engineError ??= error;
      throw error;
    }
  };
  return {
    policy,
    rethrow() {
      if (engineError !== null) throw engineError;
    },
  };
}

/** One set of goals evaluated (held-out goals, or held-out tasks). */
export async function evaluate(
  engine: Engine,
  tokenizer: Tokenizer,
  runner: EpisodeRunner,
  options: EvaluationOptions,
): Promise<Evaluation> {
  const [evaluation] = await evaluateSets(engine, tokenizer, runner, [options], options);
  return evaluation as Evaluation;
}

/**
 * Several sets of goals evaluated in one pass of the runner, so the student's steps in all of
 * them are batched together; one Evaluation per set, in order.
 */
export async function evaluateSets(
  engine: Engine,
  tokenizer: Tokenizer,
  runner: EpisodeRunner,
  sets: readonly EvaluationSet[],
  settings: EvaluationSettings,
): Promise<Evaluation[]> {
  const episodesOf = (set: EvaluationSet): PoolEpisode[] =>
    set.tasks.flatMap((task) => set.seeds.map((seed) => ({ task, seed, source: 'built-in' as const })));
  const perSet = sets.map(episodesOf);
  const episodes = perSet.flat();
  let results: EpisodeResult[] = [];
  let extraFlops = 0;
  if (episodes.length > 0) {
    const student = studentPolicy(
      engine,
      {
        tokenizer,
        context: settings.model.context,
        prompt: settings.prompt,
        temperature: settings.temperature,
        maxNewTokens: settings.maxNewTokens,
        seed: settings.seed,
        batchSize: runner.size,
      },
      settings.constrainedDecoding,
      settings.model,
    );
    const guarded = guardedModelPolicy(student);
    results = await runner.run(episodes, () => guarded.policy, settings.onEpisode);
    guarded.rethrow();
    extraFlops = student.extraFlops();
  }
  let offset = 0;
  return perSet.map((setEpisodes) => {
    const setResults = results.slice(offset, offset + setEpisodes.length);
    offset += setEpisodes.length;
    const evaluation = summarize(setResults, settings.model);
    // Constrained decoding's scoring is shared by the sets: charged to each in proportion to its episodes.
    const share = episodes.length > 0 ? setEpisodes.length / episodes.length : 0;
    return { ...evaluation, flops: evaluation.flops + extraFlops * share };
  });
}

function summarize(results: readonly EpisodeResult[], model: ModelConfig): Evaluation {
  if (results.length === 0) return { success: 0, stderr: 0, perTask: {}, episodes: 0, flops: 0 };
  const tally = new Map<string, { episodes: number; successes: number }>();
  let successes = 0;
  for (const result of results) {
    const task = tally.get(result.task) ?? { episodes: 0, successes: 0 };
    task.episodes++;
    if (result.success) {
      task.successes++;
      successes++;
    }
    tally.set(result.task, task);
  }
  const n = results.length;
  const success = successes / n;
  const perTask: Record<string, number> = {};
  for (const [task, { episodes: count, successes: won }] of tally) perTask[task] = won / count;
  return {
    success,
    stderr: Math.sqrt((success * (1 - success)) / n),
    perTask,
    episodes: n,
    flops: sampleFlops(model, results),
  };
}

/**
 * Checkpoint selection (PAPER.md, step 7): the rolling mean of held-out-goal success over `window`
 * consecutive evaluations ending at a checkpoint, the best one, the earliest on ties. The rule is
 * the same at every step: only checkpoints with a full window are candidates, so one lucky early
 * evaluation cannot win on its own (with fewer evaluations than the window, the window is all of them).
 */
export function selectCheckpoint(
  history: readonly { step: number; success: number }[],
  window: number,
): { step: number; smoothed: number } | null {
  if (history.length === 0) return null;
  const span = Math.min(window, history.length);
  let best: { step: number; smoothed: number } | null = null;
  for (let i = span - 1; i < history.length; i++) {
    const smoothed = history.slice(i - span + 1, i + 1).reduce((sum, e) => sum + e.success, 0) / span;
    if (best === null || smoothed > best.smoothed) best = { step: history[i]!.step, smoothed };
  }
  return best;
}
