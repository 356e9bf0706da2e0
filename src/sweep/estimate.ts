import { FIRST_MERGE_ID } from '../agent/tokenizer.ts';
import { MODEL_PRESETS } from '../model/config.ts';
import { flopsPerToken, generatedTokensFlops, type FlopsShape } from '../model/flops.ts';
import { parseSeedList, type RunConfig } from '../train/config.ts';
import { PAPER_TEACHER_RATIO } from '../train/compute.ts';
import { trainingTasks } from '../train/traces.ts';

/**
 * Training FLOPs a planned run will spend (teacher, SFT training, rollouts, RL training: the x-axis
 * of every curve, evaluation excluded), with the paper's formula (model/flops.ts), before anything
 * runs: for the plan's table, the ETA, and the budgets of the baselines. A run counts its real
 * FLOPs as it goes; this is an estimate from two assumptions, both stated here:
 * - one step's sequence (prompt, history and the model's output) fills SEQUENCE_FILL of the context;
 * - an episode takes STEPS_PER_EPISODE steps (the easiest tasks take 1, the paper's optimal
 *   policies 2-5), and an RL iteration plays one round of goals x group.
 * Against the two runs measured on 2 cores (configs/cpu-demo.json: 1.47e12 training FLOPs;
 * configs/cpu-rl-demo.json: 9.83e11), it gives 1.5x and 0.9x: test/unit/sweep-plan.test.ts keeps it
 * within a factor of 2 of them.
 */

export const SEQUENCE_FILL = 0.75;
export const STEPS_PER_EPISODE = 2;

function shapeOf(config: RunConfig): FlopsShape {
  const vocabSize =
    config.model.tokenizer === 'bytes' ? FIRST_MERGE_ID : FIRST_MERGE_ID + config.model.learnedMerges;
  return { ...MODEL_PRESETS[config.model.preset], vocabSize };
}

function stepTokens(config: RunConfig): number {
  return Math.round(SEQUENCE_FILL * MODEL_PRESETS[config.model.preset].context);
}

function episodeSteps(config: RunConfig): number {
  return Math.min(config.env.maxSteps, STEPS_PER_EPISODE);
}

/** The teacher's FLOPs for one kept step, in the student's tokens (train/compute.ts teacherStepFlops). */
function teacherExampleFlops(config: RunConfig): number {
  const tokens = stepTokens(config);
  const parameters = config.teacher.parameters;
  return parameters === null
    ? PAPER_TEACHER_RATIO * generatedTokensFlops(shapeOf(config), tokens, tokens)
    : tokens * 6 * parameters;
}

/** Steps in the SFT dataset: every training task played at every teacher seed. */
function datasetExamples(config: RunConfig): number {
  return trainingTasks(config.env).length * parseSeedList(config.teacher.seeds).length * episodeSteps(config);
}

/** Training FLOPs of SFT after `steps` steps: student training, and the teacher's share charged as examples are first read. */
export function sftFlopsAt(config: RunConfig, steps: number): number {
  const tokens = stepTokens(config);
  const training = steps * config.sft.batchSize * tokens * flopsPerToken(shapeOf(config), tokens, 'training');
  const read = Math.min(steps * config.sft.batchSize, datasetExamples(config));
  return training + read * teacherExampleFlops(config);
}

/** The fewest SFT steps whose estimated FLOPs reach `flops` (at least 1). */
export function sftStepsFor(config: RunConfig, flops: number): number {
  let low = 1;
  let high = 1;
  while (sftFlopsAt(config, high) < flops) high *= 2;
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (sftFlopsAt(config, middle) >= flops) high = middle;
    else low = middle + 1;
  }
  return low;
}

/** Training FLOPs of one RL iteration: its rollouts (m = 0) and its updates (m = 3). */
export function rlIterationFlops(config: RunConfig): number {
  const { rl } = config;
  const shape = shapeOf(config);
  const tokens = stepTokens(config);
  const generations = rl.goalsPerIteration * rl.groupSize * episodeSteps(config);
  const rollouts = generatedTokensFlops(shape, generations * tokens, tokens);
  const training =
    rl.updatesPerRollout * rl.effectiveBatchSize * tokens * flopsPerToken(shape, tokens, 'training');
  return rollouts + training;
}

/**
 * The two runs measured on 2 CPU cores (Node, the fast CPU engine, evaluations and start-up
 * included): configs/cpu-demo.json, 200 SFT steps in 66.3 s, and configs/cpu-rl-demo.json, 40 RL
 * iterations in 96.8 s. Rates are in this file's estimated FLOPs per second, so the estimate's own
 * bias cancels when a plan's estimate is turned into wall time.
 */
export const CPU_2_CORES = {
  sft: { estimatedFlops: 2.2444646e12, seconds: 66.3 },
  rl: { estimatedFlops: 8.705802e11, seconds: 96.8 },
} as const;

/** Seconds a phase of `estimatedFlops` takes on 2 CPU cores at the measured rate (nano-sized work; a bigger preset or longer pages run slower). */
export function cpuSeconds(phase: 'sft' | 'rl', estimatedFlops: number): number {
  const rate = CPU_2_CORES[phase].estimatedFlops / CPU_2_CORES[phase].seconds;
  return estimatedFlops / rate;
}
