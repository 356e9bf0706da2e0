import type { PolicyStep } from '../../env/episode.ts';
import type { Observation } from '../../env/env.ts';
import { ExpertConfusedError } from '../expert.ts';
import { act, allElements, byRole, firstElement, need, taskArea, textOf } from '../find.ts';

/** The words of `Select a, b and click Submit.` after `lead`; none for `Select nothing ...`. */
export function selectedWords(task: string, utterance: string, lead = 'Select'): string[] {
  const match = new RegExp(`^${lead} (.*) and click Submit\\.?$`).exec(utterance.trim());
  if (!match) throw new ExpertConfusedError(task, `cannot read the words to select in "${utterance}"`);
  const list = match[1] as string;
  return list === 'nothing' ? [] : list.split(', ');
}

export interface TickOptions {
  /** Submit once this many steps are taken, even with boxes left to fix (a step limit would end it). */
  submitAtStep?: number;
}

/**
 * One step of the checkbox family: toggle the first box (by its label) whose state differs from
 * what `wanted` says, or click Submit when every box is right. Reads the live checked states, so it
 * needs no memory and recovers from any earlier click.
 */
export function tickStep(
  task: string,
  observation: Observation,
  wanted: (label: string) => boolean,
  options: TickOptions = {},
): PolicyStep {
  const area = taskArea(observation.tree);
  const submit = need(
    task,
    firstElement(area, (e) => e.role === 'button' && textOf(e) === 'Submit'),
    'the Submit button',
  );
  const boxes = allElements(area, byRole('checkbox'));
  if (boxes.length === 0) throw new ExpertConfusedError(task, 'cannot find any checkbox on the page');
  const outOfSteps = options.submitAtStep !== undefined && observation.step >= options.submitAtStep;
  const box = boxes.find((b) => Boolean(b.checked) !== wanted(b.name));
  if (!box || outOfSteps) {
    return {
      thought: box ? 'Few steps are left, so I submit what I have.' : 'Every box is as asked, so I submit.',
      action: act.click(submit),
    };
  }
  return {
    thought: `"${box.name}" should be ${box.checked ? 'unchecked' : 'checked'}, so I click it.`,
    action: act.click(box),
  };
}
