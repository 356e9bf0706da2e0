import { ExpertConfusedError } from '../expert.ts';

/** The first group of `pattern` in the utterance, or a complaint that the instruction is not the task's. */
export function utterancePart(task: string, utterance: string, pattern: RegExp): string {
  const match = pattern.exec(utterance);
  if (!match?.[1]) throw new ExpertConfusedError(task, `cannot read the instruction "${utterance}"`);
  return match[1];
}
