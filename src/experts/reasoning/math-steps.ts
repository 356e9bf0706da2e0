import type { PolicyStep } from '../../env/episode.ts';
import type { Observation } from '../../env/env.ts';
import { act, firstElement, need, taskArea, textFields, textOf } from '../find.ts';

/**
 * The problem text of a math page: `#math-question` where the page has one (the problem beside the
 * answer box), else the whole of `#math-problem` (simple-algebra's official page writes the
 * equation there as plain text).
 */
export function mathQuestion(task: string, observation: Observation): string {
  const area = taskArea(observation.tree);
  const byId = (id: string) => firstElement(area, (e) => e.attributes.id === id);
  return textOf(need(task, byId('math-question') ?? byId('math-problem'), 'the math problem'));
}

/** Types `answer` into the answer box, then (once it holds the answer) clicks Submit. */
export function answerStep(task: string, observation: Observation, answer: number, why: string): PolicyStep {
  const area = taskArea(observation.tree);
  const box = need(task, textFields(area)[0], 'the answer box');
  if (box.value !== String(answer)) {
    return { thought: `${why} I type ${answer}.`, action: act.fill(box, String(answer)) };
  }
  const submit = need(
    task,
    firstElement(area, (e) => e.role === 'button' && textOf(e).toLowerCase() === 'submit'),
    'the Submit button',
  );
  return { thought: `The box holds ${answer}; I submit.`, action: act.click(submit) };
}
