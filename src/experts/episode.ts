import type { StepResult, TaskEnv } from '../env/env.ts';
import { createRandom, type Random } from '../tasks/core/random.ts';
import { allElements } from './find.ts';
import { ExpertConfusedError, type Expert, type ExpertStep, type ExpertView } from './expert.ts';

/** One recorded step of an episode: what was seen, what was thought and done, what came of it. */
export interface EpisodeStep {
  observation: string;
  utterance: string;
  lastError: string | null;
  thought: string;
  action: string;
  reward: number;
  error: string | null;
  /** A model's step: the tokens it read and wrote, for RL (absent for experts and LLM endpoints). */
  sample?: StepSample;
}

/** What a model policy read and generated at one step, with the log-probability of each generated token. */
export interface StepSample {
  /** The prompt's tokens (ending with START_OF_TARGET). */
  prompt: Int32Array;
  /** The generated tokens (ending with END_OF_TARGET unless cut by the length limit). */
  tokens: Int32Array;
  /** log p(token) under the sampling model at temperature 1, one per generated token. */
  logProbs: Float32Array;
  /** The prompt's observation was cut to fit the context. */
  truncated: boolean;
}

/** A policy's output for one step: a thought and an action, and for a model its tokens. */
export interface PolicyStep extends ExpertStep {
  sample?: StepSample;
}

export interface EpisodeResult {
  task: string;
  seed: number;
  success: boolean;
  reward: number;
  rawReward: number;
  steps: EpisodeStep[];
  /** Page failure or a confused expert: why the episode ended without a verdict from the page. */
  failure: string | null;
}

/** A policy for one step. Experts, models and LLM endpoints all reduce to this. */
export type StepPolicy = (view: ExpertView) => PolicyStep | Promise<PolicyStep>;

export const expertPolicy =
  (expert: Expert): StepPolicy =>
  (view) =>
    expert.solve(view);

export const wrongAnswerPolicy =
  (expert: Expert): StepPolicy =>
  (view) =>
    expert.wrong(view);

const RANDOM_TEXT = ['a', 'hello', '42', 'yes', 'Submit', 'x y z'];

/**
 * A uniformly random action on a random element (click, hover, fill, press Enter, select, wait):
 * the baseline an expert must beat by far.
 */
export function randomPolicy(random: Random): StepPolicy {
  return ({ observation }) => {
    const elements = allElements(observation.tree, (e) => e.bid !== '');
    if (elements.length === 0) return { thought: 'I wait.', action: 'noop()' };
    const target = JSON.stringify(random.pick(elements).bid);
    const text = JSON.stringify(random.pick(RANDOM_TEXT));
    const action = random.pick([
      `click(${target})`,
      `hover(${target})`,
      `fill(${target}, ${text})`,
      `press(${target}, "Enter")`,
      `select_option(${target}, ${text})`,
      'noop()',
    ]);
    return { thought: 'I act at random.', action };
  };
}

/**
 * An imperfect teacher: with probability `errorRate` a step is replaced by a random action. The
 * random stream is the teacher's own, seeded, so a collection run is reproducible.
 */
export function noisyPolicy(policy: StepPolicy, errorRate: number, seed: number | string): StepPolicy {
  const random = createRandom(`noise/${seed}`);
  const fallback = randomPolicy(random);
  return (view) => (random.chance(errorRate) ? fallback(view) : policy(view));
}

/** Runs one episode of `policy` on `env` from `seed` to the end (page verdict, step limit or failure). */
export async function runEpisode(
  env: TaskEnv,
  policy: StepPolicy,
  seed: number,
  task: string,
): Promise<EpisodeResult> {
  const steps: EpisodeStep[] = [];
  const history: string[] = [];
  const memory: Record<string, unknown> = {};
  let result: StepResult = await env.reset(seed);
  let failure: string | null = result.pageError;
  while (!result.done && result.observation) {
    const observation = result.observation;
    let step: PolicyStep;
    try {
      step = await policy({ observation, history, memory });
    } catch (error) {
      if (!(error instanceof ExpertConfusedError)) throw error;
      failure = error.message;
      break;
    }
    result = await env.step(step.action);
    history.push(step.action);
    steps.push({
      observation: observation.text,
      utterance: observation.utterance,
      lastError: observation.lastError,
      thought: step.thought,
      action: step.action,
      reward: result.reward,
      error: result.error,
      ...(step.sample ? { sample: step.sample } : {}),
    });
    failure = result.pageError;
  }
  return {
    task,
    seed,
    success: result.success && failure === null,
    reward: failure === null ? result.reward : -1,
    rawReward: result.rawReward,
    steps,
    failure,
  };
}
