import type { PolicyStep } from '../../env/episode.ts';
import type { Observation } from '../../env/env.ts';
import type { ObsElement } from '../../env/observation.ts';
import { ExpertConfusedError, type Expert } from '../expert.ts';
import { act, allElements, firstElement, need, taskArea, textOf } from '../find.ts';

const TASK = 'odd-or-even';

const hasClass = (e: ObsElement, name: string): boolean =>
  (e.attributes.class ?? '').split(/\s+/).includes(name);

/**
 * Marks each row's number with the button `choose` picks (the first row not yet marked so), then
 * submits. The page shows a mark as the `selected` class on the button.
 */
function markStep(observation: Observation, choose: (isOdd: boolean) => 'Odd' | 'Even'): PolicyStep {
  const area = taskArea(observation.tree);
  const rows = allElements(area, (e) => hasClass(e, 'row'));
  if (rows.length === 0) throw new ExpertConfusedError(TASK, 'cannot find the rows of numbers');
  for (const row of rows) {
    const shown = textOf(
      need(
        TASK,
        firstElement(row, (e) => hasClass(e, 'display-number')),
        'a number',
      ),
    );
    const label = choose(Math.abs(Number(shown)) % 2 === 1);
    const button = need(
      TASK,
      firstElement(row, (e) => e.role === 'button' && textOf(e) === label),
      `the ${label} button`,
    );
    if (!hasClass(button, 'selected'))
      return { thought: `I mark ${shown} as ${label}.`, action: act.click(button) };
  }
  const submit = need(
    TASK,
    firstElement(area, (e) => e.role === 'button' && textOf(e) === 'Submit'),
    'the Submit button',
  );
  return { thought: 'Every number is marked; I submit.', action: act.click(submit) };
}

export const oddOrEvenExpert: Expert = {
  task: TASK,
  solve: ({ observation }) => markStep(observation, (isOdd) => (isOdd ? 'Odd' : 'Even')),
  wrong: ({ observation }) => markStep(observation, (isOdd) => (isOdd ? 'Even' : 'Odd')),
};
