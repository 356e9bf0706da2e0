import type { Observation, StepResult, TaskEnv } from './env.ts';

/**
 * The episode contract every policy and every pool shares: what a policy reads at a step, what it
 * returns, what an episode records, and the loop that plays one episode. Experts, the student and
 * LLM endpoints are all a StepPolicy.
 */

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
  /** log p(token) under the sampling policy (softmax of the logits / the sampling temperature; 1 when greedy), one per generated token. */
  logProbs: Float32Array;
  /** The prompt's observation was cut to fit the context. */
  truncated: boolean;
}

/** What a policy may read at a step: exactly what an agent gets, plus its own notes and past actions. */
export interface StepView {
  observation: Observation;
  /** Actions taken so far in this episode, oldest first. */
  history: readonly string[];
  /** The policy's own notes for this episode (e.g. which items an expert already clicked); empty at reset. */
  memory: Record<string, unknown>;
}

/** A policy's output for one step: a short thought, then one action (the paper's target format), and for a model its tokens. */
export interface PolicyStep {
  thought: string;
  action: string;
  sample?: StepSample;
}

/**
 * Thrown by a policy that cannot make sense of a page (a scripted expert that finds no element it
 * needs): the episode ends as a failure of the policy, with this message as its reason.
 */
export class PolicyConfusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PolicyConfusedError';
  }
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
export type StepPolicy = (view: StepView) => PolicyStep | Promise<PolicyStep>;

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
      if (!(error instanceof PolicyConfusedError)) throw error;
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
