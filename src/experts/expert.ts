import type { Observation } from '../env/env.ts';

/** A teacher's output for one step: a short thought, then one action (the paper's target format). */
export interface ExpertStep {
  thought: string;
  action: string;
}

/** What an expert may read: exactly what an agent gets, plus its own notes and past actions. */
export interface ExpertView {
  observation: Observation;
  /** Actions taken so far in this episode, oldest first. */
  history: readonly string[];
  /** The expert's own notes for this episode (e.g. which items it already clicked); empty at reset. */
  memory: Record<string, unknown>;
}

/**
 * A scripted solver for one task. It reads only the utterance and the observation an agent gets,
 * never the task's internals, so the same expert can solve the official page of its task.
 */
export interface Expert {
  readonly task: string;
  /** The next step towards the correct answer. */
  solve(view: ExpertView): ExpertStep;
  /** The next step towards a definitely wrong answer that still ends the episode (used by tests). */
  wrong(view: ExpertView): ExpertStep;
}

/** Thrown by an expert that cannot make sense of a page: the episode counts as a failure of the expert. */
export class ExpertConfusedError extends Error {
  constructor(task: string, what: string) {
    super(`${task} expert: ${what}`);
    this.name = 'ExpertConfusedError';
  }
}
