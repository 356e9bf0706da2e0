import type { Expert } from '../expert.ts';
import { act, allElements, byRole, need, taskArea, textOf } from '../find.ts';

const TASK = 'count-sides';

/**
 * The shape is only in the canvas's pixels, which a text observation does not carry: the expert
 * guesses 4, and the wrong policy guesses 3, which is right one time in five (see the task's
 * expertLimit; the generic checks hold pixels tasks to that).
 */
export const countSidesExpert: Expert = {
  task: TASK,
  solve: ({ observation }) => {
    const buttons = allElements(taskArea(observation.tree), byRole('button'));
    const guess = need(
      TASK,
      buttons.find((b) => textOf(b) === '4'),
      'the button "4"',
    );
    return { thought: 'The shape is not in what I read; I guess 4 sides.', action: act.click(guess) };
  },
  wrong: ({ observation }) => {
    const buttons = allElements(taskArea(observation.tree), byRole('button'));
    const guess = need(
      TASK,
      buttons.find((b) => textOf(b) === '3'),
      'the button "3"',
    );
    return { thought: 'I guess 3 sides.', action: act.click(guess) };
  },
};
