import type { Observation } from '../../env/env.ts';
import { ExpertConfusedError, type Expert } from '../expert.ts';
import { act, firstElement, need, taskArea, textOf } from '../find.ts';

const TASK = 'generate-number';

/** What the utterance asks of the number: `less than 7`, `greater than 3`, `odd` or `even`. */
function requirement(utterance: string): { text: string; accepts(n: number): boolean } {
  const less = /less than (-?\d+)/.exec(utterance);
  if (less) return { text: less[0], accepts: (n) => n < Number(less[1]) };
  const greater = /greater than (-?\d+)/.exec(utterance);
  if (greater) return { text: greater[0], accepts: (n) => n > Number(greater[1]) };
  if (/\bodd\b/.test(utterance)) return { text: 'odd', accepts: (n) => Math.abs(n) % 2 === 1 };
  if (/\beven\b/.test(utterance)) return { text: 'even', accepts: (n) => n % 2 === 0 };
  throw new ExpertConfusedError(TASK, `cannot tell what number "${utterance}" asks for`);
}

/** The number on display (NaN before the first Generate), and the two buttons. */
function readPage(observation: Observation) {
  const area = taskArea(observation.tree);
  const display = need(
    TASK,
    firstElement(area, (e) => e.attributes.id === 'display-number'),
    'the number',
  );
  const button = (label: string) =>
    need(
      TASK,
      firstElement(area, (e) => e.role === 'button' && textOf(e) === label),
      `the ${label} button`,
    );
  const shown = textOf(display);
  return {
    shown,
    value: /^-?\d+$/.test(shown) ? Number(shown) : NaN,
    generate: button('Generate'),
    submit: button('Submit'),
  };
}

export const generateNumberExpert: Expert = {
  task: TASK,
  solve({ observation }) {
    const wanted = requirement(observation.utterance);
    const page = readPage(observation);
    return wanted.accepts(page.value)
      ? { thought: `${page.value} is ${wanted.text}; I submit it.`, action: act.click(page.submit) }
      : {
          thought: `"${page.shown}" is not ${wanted.text}; I generate another.`,
          action: act.click(page.generate),
        };
  },
  wrong({ observation }) {
    const wanted = requirement(observation.utterance);
    const page = readPage(observation);
    return wanted.accepts(page.value)
      ? {
          thought: `${page.value} is ${wanted.text}, so I generate another.`,
          action: act.click(page.generate),
        }
      : { thought: `I submit "${page.shown}", which is not ${wanted.text}.`, action: act.click(page.submit) };
  },
};
