import type { PolicyStep, StepView } from '../../env/episode.ts';
import type { Expert } from '../expert.ts';
import { formatAction } from '../../env/actions.ts';
import { act, firstElement, need, taskArea } from '../find.ts';
import { fillThenClick, submitButton } from '../text/steps.ts';

const TASK = 'scroll-text';

/** The observation holds the whole textarea, scrolled or not: its last word is read off directly. */
function step({ observation }: StepView, wrong: boolean): PolicyStep {
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

const TASK_2 = 'scroll-text-2';

/**
 * Points at the textarea, turns the wheel far past its end in the direction asked for, and
 * submits; the `wrong` policy submits at once, where the page left the textarea part way down.
 */
function scrollStep({ observation, memory }: StepView, wrong: boolean): PolicyStep {
  const area = taskArea(observation.tree);
  const submit = submitButton(TASK_2, area);
  if (wrong || memory.scrolled) return { thought: 'I press Submit.', action: act.click(submit) };
  const down = /to the bottom/.test(observation.utterance);
  if (!memory.pointed) {
    memory.pointed = true;
    const text = need(
      TASK_2,
      firstElement(area, (e) => e.tag === 'textarea'),
      'the text area',
    );
    return { thought: 'I move the mouse over the text area.', action: act.hover(text) };
  }
  memory.scrolled = true;
  return {
    thought: `I scroll the text area all the way ${down ? 'down' : 'up'}.`,
    action: formatAction({ kind: 'scroll', dx: 0, dy: down ? 10_000 : -10_000 }),
  };
}

export const scrollText2Expert: Expert = {
  task: TASK_2,
  solve: (view) => scrollStep(view, false),
  wrong: (view) => scrollStep(view, true),
};
