import { h } from '../core/dom.ts';
import type { Random } from '../../core/random.ts';
import type { TaskContext } from '../core/task.ts';

/** One checkbox of an instance: the word on its label and whether the instruction asks for it. */
export interface CheckboxItem {
  label: string;
  wanted: boolean;
}

/**
 * The click-checkboxes page: labelled checkboxes `#ch0`, `#ch1`... in `#boxes` (or split over
 * `#boxes-left` and `#boxes-right`), then a Submit button. The official reward: +1 per box in the
 * right state and -1 per box in the wrong one, divided by the number of boxes, so a mostly right
 * answer earns partial credit and only a majority of right boxes counts as a success.
 */
export function buildCheckboxPage(
  ctx: TaskContext,
  items: readonly CheckboxItem[],
  columns: 1 | 2 = 1,
): void {
  const inputs = items.map((_, i) => h(ctx.doc, 'input', { type: 'checkbox', id: `ch${i}` }));
  const lists =
    columns === 1
      ? [h(ctx.doc, 'div', { id: 'boxes' })]
      : [h(ctx.doc, 'div', { id: 'boxes-left' }), h(ctx.doc, 'div', { id: 'boxes-right' })];
  items.forEach((item, i) => {
    const list = lists[columns === 2 && i >= items.length / 2 ? 1 : 0] as HTMLElement;
    list.append(h(ctx.doc, 'label', {}, inputs[i], item.label), h(ctx.doc, 'br'));
  });
  const submit = h(ctx.doc, 'button', { id: 'subbtn', class: 'secondary-action' }, 'Submit');
  submit.addEventListener('click', () => {
    const score = items.reduce((sum, item, i) => sum + (inputs[i]?.checked === item.wanted ? 1 : -1), 0);
    ctx.end(score / items.length, `${score} of ${items.length} boxes net right`);
  });
  ctx.area.append(...lists, h(ctx.doc, 'br'), submit);
}

/** The query of the family: `Select a, b and click Submit.`, or `Select nothing ...` when none is wanted. */
export function selectUtterance(words: readonly string[], lead = 'Select'): string {
  return `${lead} ${words.length ? words.join(', ') : 'nothing'} and click Submit.`;
}

/** `wantedCount` of `count` positions picked at random: true where the box is to be checked. */
export function pickWanted(random: Random, count: number, wantedCount: number): boolean[] {
  const wanted = new Set(random.sample([...Array(count).keys()], wantedCount));
  return Array.from({ length: count }, (_, i) => wanted.has(i));
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Distinct made-up words of 2-8 letters, the labels of the plain checkbox tasks. */
export function randomLabels(random: Random, count: number): string[] {
  const labels = new Set<string>();
  while (labels.size < count) {
    const length = random.int(2, 8);
    labels.add(Array.from({ length }, () => LETTERS[random.int(0, LETTERS.length - 1)]).join(''));
  }
  return [...labels];
}

/** Labels with `wantedCount` of them asked for, and the query naming those in a shuffled order. */
export function randomSelection(
  random: Random,
  count: number,
  wantedCount: number,
): { items: CheckboxItem[]; utterance: string } {
  const wanted = pickWanted(random, count, wantedCount);
  const items = randomLabels(random, count).map((label, i) => ({ label, wanted: wanted[i] === true }));
  const names = random.shuffle(items.filter((item) => item.wanted).map((item) => item.label));
  return { items, utterance: selectUtterance(names) };
}

export const CHECKBOX_CSS = `
#area input[type=checkbox] { width: 20px; }
#boxes-left, #boxes-right { float: left; }
#area br { clear: both; }
`;
