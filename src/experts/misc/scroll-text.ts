import type { Expert, ExpertStep, ExpertView } from '../expert.ts';
import { firstElement, need, taskArea } from '../find.ts';
import { fillThenClick, submitButton } from '../text/steps.ts';

const TASK = 'scroll-text';

/** The observation holds the whole textarea, scrolled or not: its last word is read off directly. */
function step({ observation }: ExpertView, wrong: boolean): ExpertStep {
  const area = taskArea(observation.tree);
  const text = need(
    TASK,
    firstElement(area, (e) => e.tag === 'textarea'),
    'the text area',
  );
  const input = need(
    TASK,
    firstElement(area, (e) => e.tag === 'input' && e.role === 'textbox'),
    'the text field',
  );
  const words = (text.value ?? '').trim().split(/\s+/);
  const last = (words.at(-1) ?? '').replace(/[.,;:!?]+$/, '');
  const first = (words[0] ?? '').replace(/[.,;:!?]+$/, '');
  // The first word stands in for a wrong answer unless it happens to be the last word as well.
  const answer = wrong ? (first === last ? `${last}x` : first) : last;
  return fillThenClick([{ field: input, text: answer, label: 'the text field' }], submitButton(TASK, area));
}

export const scrollTextExpert: Expert = {
  task: TASK,
  solve: (view) => step(view, false),
  wrong: (view) => step(view, true),
};
