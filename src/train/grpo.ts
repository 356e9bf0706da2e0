import type { Tokenizer } from '../agent/tokenizer.ts';
import type { Engine } from '../engine/engine.ts';
import type { PoolEpisode, PoolProgress } from '../env/pool.ts';
import type { EpisodeRunner } from '../env/runner.ts';
import type { EpisodeResult } from '../env/episode.ts';
import type { ModelConfig } from '../model/config.ts';
import { TRAINING_MULTIPLIER } from '../model/flops.ts';
import { createRandom } from '../core/random.ts';
import { groupAdvantages, isZeroAdvantage } from './advantages.ts';
import { gatherTargetValues } from '../model/packing.ts';
import { trainingBatchFlops } from './compute.ts';
import type { RunConfig } from './config.ts';
import { curriculumWeights, sampleIndex, updateTaskSuccess } from './curriculum.ts';
import { guardedModelPolicy, sampleFlops, studentPolicy } from './evaluate.ts';
import { clippedPolicyWeights } from './objective.ts';
import { packMicroBatches, rolloutExamples, targetTokens, type RlExample } from './examples.ts';
import { ADAM_EPSILON } from './sft.ts';

/**
 * Multi-turn GRPO (PAPER.md, pipeline step 4), one iteration: pick goals, let the student play a
 * group of episodes per goal, turn each group's final rewards into per-step advantages, drop the
 * zero-advantage steps (when on), and take optimizer steps of `effectiveBatchSize` examples on the
 * policy-gradient loss (clipped importance ratio when on). No KL term, as in the paper. Goals and
 * update order come from (run seed, iteration); sampled tokens also depend on how the pool's steps
 * happen to be batched.
 */

export interface GrpoContext {
  readonly engine: Engine;
  readonly tokenizer: Tokenizer;
  readonly runner: EpisodeRunner;
  readonly config: RunConfig;
  readonly model: ModelConfig;
  /** The training tasks that can run here. */
  readonly tasks: readonly string[];
  /** rl.seeds, parsed (never 0-2). */
  readonly seeds: readonly number[];
  /** The curriculum's running success estimates (RunState.taskSuccess). */
  readonly taskSuccess: Readonly<Record<string, number>>;
  readonly onEpisode?: (result: EpisodeResult, progress: PoolProgress) => void;
}

export interface GrpoIterationResult {
  /** Optimizer steps taken (0 when every example was filtered out). */
  updates: number;
  /** The iteration's metrics: loss, gradNorm, reward, success, filteredFraction, clippedFraction, examples, episodes... */
  values: Record<string, number>;
  /** Generated tokens of the rollouts (m = 0). */
  rolloutFlops: number;
  /** Training tokens (m = 3) and the importance ratio's log-probability passes (forward only). */
  trainingFlops: number;
  taskSuccess: Record<string, number>;
  episodes: EpisodeResult[];
}

export async function grpoIteration(context: GrpoContext, iteration: number): Promise<GrpoIterationResult> {
  const { engine, tokenizer, runner, config, model, tasks, seeds } = context;
  const { rl } = config;
  const random = createRandom(`${config.seed}/rl/iteration/${iteration}`);

  // 1. Goals: a task (Boltzmann curriculum over the training tasks, or uniform) and a training seed.
  const goals: { task: string; seed: number }[] = [];
  for (let g = 0; g < rl.goalsPerIteration; g++) {
    const task = rl.curriculum
      ? (tasks[
          sampleIndex(
            curriculumWeights(tasks, context.taskSuccess, rl.curriculumMean, rl.curriculumTemperature),
            random,
          )
        ] as string)
      : random.pick(tasks);
    goals.push({ task, seed: random.pick(seeds) });
  }

  // 2. Rollouts: groupSize episodes per goal, the student sampling at rl.temperature, its prompts
  //    showing the last error when rl.errorLogFeedback is on.
  const episodes: PoolEpisode[] = goals.flatMap((goal) =>
    Array.from({ length: rl.groupSize }, () => ({ ...goal, source: 'built-in' as const })),
  );
  const student = studentPolicy(
    engine,
    {
      tokenizer,
      context: model.context,
      prompt: { historyLength: config.env.historyLength, errorLogFeedback: rl.errorLogFeedback },
      temperature: rl.temperature,
      maxNewTokens: config.model.maxNewTokens,
      seed: random.int(0, 0xffffffff),
      batchSize: runner.size,
    },
    rl.constrainedDecoding,
    model,
  );
  const guarded = guardedModelPolicy(student);
  const results = await runner.run(episodes, () => guarded.policy, context.onEpisode);
  guarded.rethrow();

  // 3. Advantages per group: final reward -> group-relative (and std-normalised) advantage,
  //    discounted back over the episode's steps.
  const advantages: number[][] = [];
  for (let g = 0; g < goals.length; g++) {
    const group = results.slice(g * rl.groupSize, (g + 1) * rl.groupSize);
    advantages.push(
      ...groupAdvantages(
        group.map((episode) => ({ reward: episode.reward, steps: episode.steps.length })),
        rl,
      ),
    );
  }

  // 4. Zero-advantage filtering: drop the steps whose advantage is 0 (all-success or all-failure
  //    groups). Off, they stay: they add no gradient but count in each update's normaliser.
  const examples = rolloutExamples(results, advantages);
  const kept = rl.zeroAdvantageFiltering
    ? examples.filter((example) => !isZeroAdvantage(example.advantage))
    : examples;
  const filteredFraction = examples.length ? (examples.length - kept.length) / examples.length : 0;

  // 5. Updates of effectiveBatchSize examples each (the last may be smaller), in a seeded order.
  const order = createRandom(`${config.seed}/rl/iteration/${iteration}/order`).shuffle(kept);
  let trainingFlops = 0;
  let lossSum = 0;
  let gradNormSum = 0;
  let clippedTokens = 0;
  let ratioTokens = 0;
  let updates = 0;
  for (let start = 0; start < order.length; start += rl.effectiveBatchSize) {
    const update = order.slice(start, start + rl.effectiveBatchSize);
    const step = await policyGradientStep(engine, update, config, model);
    trainingFlops += step.flops;
    lossSum += step.loss;
    gradNormSum += step.gradNorm;
    clippedTokens += step.clippedTokens;
    ratioTokens += step.ratioTokens;
    updates++;
  }

  // 6. The curriculum's estimate of each task's success, from this iteration's episodes.
  const taskSuccess = { ...context.taskSuccess };
  for (const task of new Set(goals.map((goal) => goal.task))) {
    const played = results.filter((result) => result.task === task);
    const observed = played.filter((result) => result.success).length / played.length;
    taskSuccess[task] = updateTaskSuccess(taskSuccess[task], observed);
  }

  const values: Record<string, number> = {
    reward: mean(results.map((result) => result.reward)),
    success: mean(results.map((result) => (result.success ? 1 : 0))),
    episodes: results.length,
    examples: kept.length,
    filteredFraction,
    clippedFraction: ratioTokens ? clippedTokens / ratioTokens : 0,
    updates,
    learningRate: rl.learningRate,
    steps: mean(results.map((result) => result.steps.length)),
  };
  if (updates > 0) {
    values.loss = lossSum / updates;
    values.gradNorm = gradNormSum / updates;
  }
  return {
    updates,
    values,
    rolloutFlops: sampleFlops(model, results) + student.extraFlops(),
    trainingFlops,
    taskSuccess,
    episodes: results,
  };
}

/**
 * One optimizer step on the policy-gradient loss sum_t w_t (-log p_t) / (target tokens of the
 * update), with w_t the advantage, or the clipped-ratio weight of objective.ts when
 * rl.importanceRatio is on (log-probabilities of the current model against the rollout's).
 */
async function policyGradientStep(
  engine: Engine,
  update: readonly RlExample[],
  config: RunConfig,
  model: ModelConfig,
): Promise<{ loss: number; gradNorm: number; flops: number; clippedTokens: number; ratioTokens: number }> {
  const { rl, optimizer } = config;
  const packOptions = {
    context: model.context,
    packing: config.sft.packing,
    normaliser: targetTokens(update),
  };
  let microBatches = packMicroBatches(update, packOptions);
  let flops = 0;
  let clippedTokens = 0;
  let ratioTokens = 0;
  if (rl.importanceRatio) {
    const weighted: RlExample[] = [];
    for (const { packed, examples } of microBatches) {
      const logProbs = await engine.logProbs(packed.batch);
      // A forward pass only: the training count without its backward share (m = 0).
      flops += trainingBatchFlops(model, packed.batch) / (1 + TRAINING_MULTIPLIER);
      const newLogProbs = gatherTargetValues(packed, examples, logProbs);
      examples.forEach((example, i) => {
        const rlExample = example as RlExample;
        const clipped = clippedPolicyWeights(
          rlExample.weights,
          newLogProbs[i] as Float64Array,
          rlExample.oldLogProbs,
          rl.clipEpsilon,
        );
        clippedTokens += clipped.clippedFraction * rlExample.target.length;
        ratioTokens += rlExample.target.length;
        weighted.push({ ...rlExample, weights: clipped.weights });
      });
    }
    microBatches = packMicroBatches(weighted, packOptions);
  }
  const result = await engine.trainStep(
    microBatches.map(({ packed }) => packed.batch),
    {
      learningRate: rl.learningRate,
      beta1: optimizer.beta1,
      beta2: optimizer.beta2,
      epsilon: ADAM_EPSILON,
      weightDecay: optimizer.weightDecay,
      maxGradNorm: optimizer.maxGradNorm,
    },
  );
  for (const { packed } of microBatches) flops += trainingBatchFlops(model, packed.batch);
  return { loss: result.loss, gradNorm: result.gradNorm, flops, clippedTokens, ratioTokens };
}

function mean(values: readonly number[]): number {
  return values.length ? values.reduce((sum, v) => sum + v, 0) / values.length : 0;
}
