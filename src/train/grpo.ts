import type { Tokenizer } from '../agent/tokenizer.ts';
import { createRandom, type Random } from '../core/random.ts';
import type { Engine } from '../engine/engine.ts';
import type { EpisodeResult } from '../env/episode.ts';
import type { PoolEpisode, PoolProgress } from '../env/runner.ts';
import type { EpisodeRunner } from '../env/runner.ts';
import type { ModelConfig } from '../model/config.ts';
import { groupAdvantages, isZeroAdvantage } from './advantages.ts';
import { trainingBatchFlops } from './compute.ts';
import type { RunConfig } from './config.ts';
import { curriculumWeights, sampleIndex, updateTaskSuccess } from './curriculum.ts';
import { guardedModelPolicy, sampleFlops, studentPolicy } from './evaluate.ts';
import { packMicroBatches, rolloutExamples, targetTokens, type RlExample } from './examples.ts';
import { ADAM_EPSILON } from './sft.ts';

/**
 * Multi-turn GRPO (PAPER.md, pipeline step 4), one iteration:
 *
 *   1. pick goals (task + training seed): uniform, or the Boltzmann curriculum;
 *   2. let the student play a group of `groupSize` episodes per goal at `temperature`;
 *   3. turn each group's final rewards into per-step advantages (grouped, std-normalised,
 *      discounted back over the episode);
 *   4. drop the zero-advantage steps (`zeroAdvantageFiltering`);
 *   repeat 1-4 until the kept steps fill `updatesPerRollout` updates of exactly
 *   `effectiveBatchSize` examples (at most `maxRolloutRounds` rounds, and never past the FLOPs
 *   left to the phase), then
 *   5. take `updatesPerRollout` optimizer steps, each the mean over `effectiveBatchSize` examples
 *      of the policy-gradient loss -A log p (log p at the sampling temperature), or with
 *      `importanceRatio` PPO's clipped surrogate against the sampling log-probabilities, computed
 *      inside the training step's own forward pass (model/reference/loss.ts).
 *
 * How this reads the paper. The effective batch size is what one optimizer update averages
 * over, so zero-advantage filtering changes which examples a batch holds, not how many. The paper's
 * trainer is asynchronous: its actors sample with weights some updates old, which is what the
 * importance ratio corrects. The lab reproduces that lag in a single process: one rollout batch
 * feeds `updatesPerRollout` consecutive updates, so the k-th update learns from steps that a policy
 * k - 1 updates old sampled (1 makes the run strictly on-policy, and the ratio then always 1).
 * No KL term, as in the paper. Goals and update order come from (run seed, iteration, round);
 * sampled tokens also depend on how the pool's steps happen to be batched.
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
  /** Training FLOPs the phase may still spend (Infinity without rl.flopsBudget): rollouts stop there. */
  readonly flopsLeft: number;
  readonly onEpisode?: (result: EpisodeResult, progress: PoolProgress) => void;
}

export interface GrpoIterationResult {
  /** Optimizer steps taken: updatesPerRollout, or fewer when the rollouts could not fill them. */
  updates: number;
  /** The iteration's metrics: loss, gradNorm, reward, success, filteredFraction, examples, rounds... */
  values: Record<string, number>;
  /** Why fewer updates than updatesPerRollout were taken, for the run to say; null when all were. */
  shortfall: string | null;
  /** Prompt and generated tokens of the rollouts (m = 0). */
  rolloutFlops: number;
  /** Training tokens of the updates (m = 3). */
  trainingFlops: number;
  taskSuccess: Record<string, number>;
  episodes: EpisodeResult[];
}

export async function grpoIteration(context: GrpoContext, iteration: number): Promise<GrpoIterationResult> {
  const { config, model } = context;
  const { rl } = config;
  const wanted = rl.effectiveBatchSize * rl.updatesPerRollout;

  // 1-4, in rounds, until the kept steps fill every update of this rollout batch.
  const episodes: EpisodeResult[] = [];
  const kept: RlExample[] = [];
  let stepsSeen = 0;
  let rolloutFlops = 0;
  let rounds = 0;
  let taskSuccess = { ...context.taskSuccess };
  while (kept.length < wanted && rounds < rl.maxRolloutRounds && rolloutFlops < context.flopsLeft) {
    const random = createRandom(`${config.seed}/rl/iteration/${iteration}/round/${rounds}`);
    const round = await rolloutRound(context, taskSuccess, random);
    episodes.push(...round.episodes);
    kept.push(...round.kept);
    stepsSeen += round.steps;
    rolloutFlops += round.flops;
    taskSuccess = round.taskSuccess;
    rounds++;
  }

  // 5. Updates of exactly effectiveBatchSize examples each, in a seeded order; the rest is unused.
  const updates = Math.min(rl.updatesPerRollout, Math.floor(kept.length / rl.effectiveBatchSize));
  const order = createRandom(`${config.seed}/rl/iteration/${iteration}/order`).shuffle(kept);
  let trainingFlops = 0;
  let lossSum = 0;
  let gradNormSum = 0;
  for (let u = 0; u < updates; u++) {
    const batch = order.slice(u * rl.effectiveBatchSize, (u + 1) * rl.effectiveBatchSize);
    const step = await policyGradientStep(context.engine, batch, config, model);
    trainingFlops += step.flops;
    lossSum += step.loss;
    gradNormSum += step.gradNorm;
  }

  const values: Record<string, number> = {
    reward: mean(episodes.map((episode) => episode.reward)),
    success: mean(episodes.map((episode) => (episode.success ? 1 : 0))),
    episodes: episodes.length,
    rounds,
    examples: updates * rl.effectiveBatchSize,
    keptExamples: kept.length,
    filteredFraction: stepsSeen ? (stepsSeen - kept.length) / stepsSeen : 0,
    updates,
    learningRate: rl.learningRate,
    steps: mean(episodes.map((episode) => episode.steps.length)),
  };
  if (updates > 0) {
    values.loss = lossSum / updates;
    values.gradNorm = gradNormSum / updates;
  }
  return {
    updates,
    values,
    shortfall:
      updates < rl.updatesPerRollout
        ? shortfallMessage(config, kept.length, rounds, rolloutFlops, context.flopsLeft)
        : null,
    rolloutFlops,
    trainingFlops,
    taskSuccess,
    episodes,
  };
}

/** One round of steps 1-4: goals, their groups of episodes, advantages, zero-advantage filtering. */
async function rolloutRound(
  context: GrpoContext,
  taskSuccess: Readonly<Record<string, number>>,
  random: Random,
): Promise<{
  episodes: EpisodeResult[];
  kept: RlExample[];
  steps: number;
  flops: number;
  taskSuccess: Record<string, number>;
}> {
  const { engine, tokenizer, runner, config, model, tasks, seeds } = context;
  const { rl } = config;

  // 1. Goals: a task (Boltzmann curriculum over the training tasks, or uniform) and a training seed.
  const goals: { task: string; seed: number }[] = [];
  for (let g = 0; g < rl.goalsPerIteration; g++) {
    const task = rl.curriculum
      ? (tasks[
          sampleIndex(
            curriculumWeights(tasks, taskSuccess, rl.curriculumMean, rl.curriculumTemperature),
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
  //    groups). Off, they stay: they fill batch slots, add no gradient, and count in the normaliser.
  const examples = rolloutExamples(results, advantages);
  const kept = rl.zeroAdvantageFiltering
    ? examples.filter((example) => !isZeroAdvantage(example.advantage))
    : examples;

  // The curriculum's estimate of each task's success, from this round's episodes.
  const nextSuccess = { ...taskSuccess };
  for (const task of new Set(goals.map((goal) => goal.task))) {
    const played = results.filter((result) => result.task === task);
    const observed = played.filter((result) => result.success).length / played.length;
    nextSuccess[task] = updateTaskSuccess(nextSuccess[task], observed);
  }
  return {
    episodes: results,
    kept,
    steps: examples.length,
    flops: sampleFlops(model, results) + student.extraFlops(),
    taskSuccess: nextSuccess,
  };
}

function shortfallMessage(
  config: RunConfig,
  kept: number,
  rounds: number,
  rolloutFlops: number,
  flopsLeft: number,
): string {
  const { rl } = config;
  const why =
    rolloutFlops >= flopsLeft
      ? 'the RL FLOPs budget ran out during the rollouts'
      : `${rounds} rounds of rollouts (rl.maxRolloutRounds) kept ${kept} steps`;
  return (
    `An RL iteration needs ${rl.effectiveBatchSize * rl.updatesPerRollout} kept steps ` +
    `(rl.effectiveBatchSize ${rl.effectiveBatchSize} x rl.updatesPerRollout ${rl.updatesPerRollout}), but ${why}` +
    `${rl.zeroAdvantageFiltering ? ' after zero-advantage filtering' : ''}: it made ` +
    `${Math.min(rl.updatesPerRollout, Math.floor(kept / rl.effectiveBatchSize))} updates. Lower ` +
    'rl.effectiveBatchSize, or raise rl.goalsPerIteration or rl.maxRolloutRounds.'
  );
}

/**
 * One optimizer step on the mean over the update's target tokens of -A log p (log p at the
 * sampling temperature), or of PPO's clipped surrogate when rl.importanceRatio is on: the old
 * log-probabilities travel with the batch and the engine's loss reads the ratio in the step's own
 * forward pass.
 */
async function policyGradientStep(
  engine: Engine,
  update: readonly RlExample[],
  config: RunConfig,
  model: ModelConfig,
): Promise<{ loss: number; gradNorm: number; flops: number }> {
  const { rl, optimizer } = config;
  const microBatches = packMicroBatches(update, {
    context: model.context,
    packing: config.sft.packing,
    normaliser: targetTokens(update),
    oldLogProbs: rl.importanceRatio,
  });
  const batches = microBatches.map(({ packed }) => ({
    ...packed.batch,
    temperature: rl.temperature,
    ...(rl.importanceRatio ? { clipEpsilon: rl.clipEpsilon } : {}),
  }));
  const result = await engine.trainStep(batches, {
    learningRate: rl.learningRate,
    beta1: optimizer.beta1,
    beta2: optimizer.beta2,
    epsilon: ADAM_EPSILON,
    weightDecay: optimizer.weightDecay,
    maxGradNorm: optimizer.maxGradNorm,
  });
  const flops = microBatches.reduce((sum, { packed }) => sum + trainingBatchFlops(model, packed.batch), 0);
  return { loss: result.loss, gradNorm: result.gradNorm, flops };
}

function mean(values: readonly number[]): number {
  return values.length ? values.reduce((sum, v) => sum + v, 0) / values.length : 0;
}
