import type { PolicyStep } from '../../env/episode.ts';
import type { Observation } from '../../env/env.ts';
import { ExpertConfusedError, type Expert } from '../expert.ts';
import { act, firstElement, need, taskArea, textFields, textOf } from '../find.ts';

const TASK = 'guess-number';

interface Range {
  low: number;
  high: number;
}

/**
 * Where the number can still be: the utterance's range, narrowed by every feedback seen so far
 * ("The number is higher than 4."). Kept in memory because the page shows only the last feedback;
 * applying the same feedback twice changes nothing.
 */
function remainingRange(observation: Observation, memory: Record<string, unknown>): Range {
  const stated = /between (-?\d+)\s*-\s*(-?\d+)/.exec(observation.utterance);
  const range = (memory.range as Range | undefined) ?? {
    low: stated ? Number(stated[1]) : 0,
    high: stated ? Number(stated[2]) : 9,
  };
  const feedback = /(higher|lower) than (-?\d+)/.exec(textOf(taskArea(observation.tree)));
  if (feedback) {
    const last = Number(feedback[2]);
    if (feedback[1] === 'higher') range.low = Math.max(range.low, last + 1);
    else range.high = Math.min(range.high, last - 1);
  }
  memory.range = range;
  return range;
}

/** Types `guess` into the box, then (once it holds the guess) clicks Submit. */
function guessStep(observation: Observation, guess: number, why: string): PolicyStep {
  const area = taskArea(observation.tree);
  const box = need(TASK, textFields(area)[0], 'the guess box');
  if (box.value !== String(guess))
    return { thought: `${why} I type ${guess}.`, action: act.fill(box, String(guess)) };
  const submit = need(
    TASK,
    firstElement(area, (e) => e.role === 'button' && textOf(e) === 'Submit'),
    'the Submit button',
  );
  return { thought: `The box holds ${guess}; I submit it.`, action: act.click(submit) };
}

/** Binary search: guess the middle of the range the feedback leaves, at most 4 guesses for 0-9. */
export const guessNumberExpert: Expert = {
  task: TASK,
  solve({ observation, memory }) {
    const { low, high } = remainingRange(observation, memory);
    if (low > high) throw new ExpertConfusedError(TASK, 'the feedback leaves no number possible');
    const middle = Math.floor((low + high) / 2);
    return guessStep(observation, middle, `The number is between ${low} and ${high}.`);
  },
  // No guess loses the episode; guessing above the range forever runs out of steps.
  wrong({ observation }) {
    const above = Number(/between -?\d+\s*-\s*(-?\d+)/.exec(observation.utterance)?.[1] ?? 9) + 1;
    return guessStep(observation, above, 'I guess outside the range on purpose.');
  },
};
