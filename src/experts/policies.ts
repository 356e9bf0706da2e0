import type { StepPolicy } from '../env/episode.ts';
import { createRandom, type Random } from '../core/random.ts';
import type { Expert } from './expert.ts';
import { allElements } from './find.ts';

/** Experts as step policies: the teacher, its deliberate wrong answers, its noisy version, and the random baseline. */

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
