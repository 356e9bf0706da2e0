import type { PolicyStep, StepView } from '../../env/episode.ts';
import type { ObsElement } from '../../env/observation.ts';
import type { Expert } from '../expert.ts';
import { act, allElements, byClass, byRole, firstElement, need, taskArea, textOf } from '../find.ts';

const TASK = 'find-greatest';

/**
 * Cards show their number only face up (the lab's page; the official one keeps every number in the
 * DOM). The expert notes each number it sees and turns the cards it has not seen yet.
 */
function look(view: StepView): { cards: ObsElement[]; seen: Record<string, number>; submit: ObsElement } {
  const area = taskArea(view.observation.tree);
  const cards = allElements(area, byClass('card'));
  if (cards.length === 0) need(TASK, undefined, 'the cards');
  const seen = (view.memory.seen ??= {}) as Record<string, number>;
  for (const card of cards) {
    const text = textOf(card);
    if (/^-?\d+$/.test(text)) seen[card.bid] = Number(text);
  }
  const submit = need(
    TASK,
    firstElement(area, (e) => byRole('button')(e) && textOf(e) === 'Submit'),
    'Submit',
  );
  return { cards, seen, submit };
}

function pick(view: StepView, choose: (values: number[]) => number): PolicyStep {
  const { cards, seen, submit } = look(view);
  const unseen = cards.find((card) => seen[card.bid] === undefined);
  if (unseen)
    return { thought: `I have not seen card [${unseen.bid}]; I turn it over.`, action: act.click(unseen) };
  const target = choose(cards.map((card) => seen[card.bid] as number));
  const card = cards.find((c) => seen[c.bid] === target) as ObsElement;
  if (byClass('hidden')(card))
    return { thought: `The card with ${target} is the one; I pick it.`, action: act.click(card) };
  return { thought: `The card with ${target} is face up; I submit.`, action: act.click(submit) };
}

export const findGreatestExpert: Expert = {
  task: TASK,
  solve: (view) => pick(view, (values) => Math.max(...values)),
  wrong: (view) => pick(view, (values) => Math.min(...values)),
};
