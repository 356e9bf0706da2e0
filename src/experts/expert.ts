import { PolicyConfusedError, type PolicyStep, type StepView } from '../env/episode.ts';

/**
 * A scripted solver for one task. It reads only the utterance and the observation an agent gets,
 * never the task's internals, so the same expert can solve the official page of its task.
 */
export interface Expert {
  readonly task: string;
  /** The next step towards the correct answer. */
  solve(view: StepView): PolicyStep;
  /** The next step towards a definitely wrong answer that still ends the episode (used by tests). */
  wrong(view: StepView): PolicyStep;
}

/** Thrown by an expert that cannot make sense of a page: the episode counts as a failure of the expert. */
export class ExpertConfusedError extends PolicyConfusedError {
  constructor(task: string, what: string) {
    super(`${task} expert: ${what}`);
    this.name = 'ExpertConfusedError';
  }
}
