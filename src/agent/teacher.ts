import { type StepPolicy } from '../env/episode.ts';
import { expertPolicy, noisyPolicy } from '../experts/policies.ts';
import { getExpert } from '../experts/registry.ts';

/**
 * The scripted teacher of `task`: its expert, with each step replaced by a random action with
 * probability `errorRate` (an imperfect teacher), from its own seeded stream.
 */
export function expertTeacher(task: string, errorRate: number, seed: number | string): StepPolicy {
  if (!(errorRate >= 0 && errorRate <= 1)) {
    throw new Error(`The teacher's errorRate must be a probability from 0 to 1; got ${errorRate}.`);
  }
  return noisyPolicy(expertPolicy(getExpert(task)), errorRate, seed);
}
