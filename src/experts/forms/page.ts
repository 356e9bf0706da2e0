import type { PolicyStep } from '../../env/episode.ts';
import type { ObsElement } from '../../env/observation.ts';
import { ExpertConfusedError } from '../expert.ts';
import { act, allElements, firstElement, need, textOf } from '../find.ts';

/** Reading helpers shared by the forms experts: classes, surroundings of a field, ordinals. */

export function hasClass(element: ObsElement, className: string): boolean {
  return (element.attributes.class ?? '').split(/\s+/).includes(className);
}

export const byClass =
  (className: string) =>
  (element: ObsElement): boolean =>
    hasClass(element, className);

export const byId =
  (id: string) =>
  (element: ObsElement): boolean =>
    element.attributes.id === id;

/** The element's parent in the tree, found by a walk from the root (trees here are small). */
export function parentOf(root: ObsElement, child: ObsElement): ObsElement | undefined {
  return firstElement(root, (e) => e.children.includes(child));
}

/**
 * The text that labels a field, wherever a layout puts it: the text of the field's closest ancestor
 * that has any (a row, a table row, a labelled box).
 */
export function labelAround(root: ObsElement, field: ObsElement): string {
  for (let e = parentOf(root, field); e; e = parentOf(root, e)) {
    const text = textOf(e);
    if (text) return text;
  }
  return '';
}

/** "3rd" -> 3: the number of an ordinal the instructions use. */
export function ordinalNumber(word: string): number {
  return Number.parseInt(word, 10);
}

/** A regular expression match on the utterance, or a clear complaint naming the task. */
export function parse(task: string, utterance: string, pattern: RegExp): string[] {
  const match = pattern.exec(utterance);
  if (!match) throw new ExpertConfusedError(task, `cannot read the instruction ${JSON.stringify(utterance)}`);
  return match.slice(1).map((group) => group ?? '');
}

/** One field and the text it should end up holding. */
export interface Entry {
  field: ObsElement;
  value: string;
  /** How the thought names the field. */
  name: string;
}

/** Fills the first entry whose field does not hold its value yet; once all do, clicks `submit`. */
export function fillThenClick(entries: Entry[], submit: ObsElement): PolicyStep {
  const pending = entries.find((entry) => entry.field.value !== entry.value);
  if (pending) {
    return {
      thought: `The ${pending.name} field should hold "${pending.value}"; I fill it in.`,
      action: act.fill(pending.field, pending.value),
    };
  }
  return { thought: `Every field is filled in; I click "${textOf(submit)}".`, action: act.click(submit) };
}

/** The first clickable-looking element whose own text is one of `labels` (buttons first). */
export function submitControl(task: string, root: ObsElement, labels: string[]): ObsElement {
  const matches = allElements(
    root,
    (e) => labels.includes(textOf(e)) && e.children.every((c) => typeof c === 'string'),
  );
  return need(
    task,
    matches.find((e) => e.role === 'button') ?? matches[0],
    `a ${labels.join(' / ')} control`,
  );
}

/** A value read off the page, or a clear complaint naming the task (like `need`, for any value). */
export function found<T>(task: string, value: T | undefined, what: string): T {
  if (value === undefined) throw new ExpertConfusedError(task, `cannot find ${what} on the page`);
  return value;
}
