import type { PolicyStep } from '../../env/episode.ts';
import type { Observation } from '../../env/env.ts';
import { act, firstElement, need, taskArea, textFields, textOf } from '../find.ts';

/** The problem text of a math page: `#math-question` where the page has one. */
export function mathQuestion(task: string, observation: Observation): string {
  const area = taskArea(observation.tree);
  return textOf(
    need(
      task,
      firstElement(area, (e) => e.attributes.id === 'math-question'),
      'the math problem',
    ),
  );
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
