import { formatAction } from '../env/actions.ts';
import { textOf, type ObsElement, type ObsNode } from '../env/observation.ts';
import { ExpertConfusedError } from './expert.ts';

/** Reading an observation tree the way an expert does: by roles, tags and visible text. */

export function allElements(
  root: ObsElement,
  predicate: (e: ObsElement) => boolean = () => true,
): ObsElement[] {
  const found: ObsElement[] = [];
  const walk = (node: ObsNode): void => {
    if (typeof node === 'string') return;
    if (predicate(node)) found.push(node);
    node.children.forEach(walk);
  };
  walk(root);
  return found;
}

export function firstElement(
  root: ObsElement,
  predicate: (e: ObsElement) => boolean,
): ObsElement | undefined {
  return allElements(root, predicate)[0];
}

/** The first element matching, or a clear complaint naming the task. */
export function need(task: string, element: ObsElement | undefined, what: string): ObsElement {
  if (!element) throw new ExpertConfusedError(task, `cannot find ${what} on the page`);
  return element;
}

export { textOf };

export const byRole =
  (role: string) =>
  (e: ObsElement): boolean =>
    e.role === role;

export const byTag =
  (tag: string) =>
  (e: ObsElement): boolean =>
    e.tag === tag;

export const byClass =
  (name: string) =>
  (e: ObsElement): boolean =>
    (e.attributes.class ?? '').split(/\s+/).includes(name);

/** Elements whose own visible text (or accessible name) equals `text` exactly, after trimming. */
export const byText =
  (text: string) =>
  (e: ObsElement): boolean =>
    textOf(e) === text.trim() || (e.name !== '' && e.name === text.trim());

/** The task area (`#area`) if the page has one, else the whole tree. */
export function taskArea(root: ObsElement): ObsElement {
  return firstElement(root, (e) => e.attributes.id === 'area') ?? root;
}

/** Text fields: inputs that take typing, and textareas. */
export function textFields(root: ObsElement): ObsElement[] {
  return allElements(root, (e) => e.role === 'textbox' || e.role === 'searchbox' || e.role === 'spinbutton');
}

/** Quoted pieces of an utterance: `Click on the "OK" button` gives ["OK"]. */
export function quoted(utterance: string): string[] {
  return Array.from(utterance.matchAll(/"([^"]*)"/g), (m) => m[1] as string);
}

export const act = {
  click: (e: ObsElement): string => formatAction({ kind: 'click', bid: e.bid }),
  hover: (e: ObsElement): string => formatAction({ kind: 'hover', bid: e.bid }),
  fill: (e: ObsElement, text: string): string => formatAction({ kind: 'fill', bid: e.bid, text }),
  type: (e: ObsElement, text: string): string => formatAction({ kind: 'type', bid: e.bid, text }),
  select: (e: ObsElement, option: string): string =>
    formatAction({ kind: 'select_option', bid: e.bid, option }),
  press: (e: ObsElement, key: string): string => formatAction({ kind: 'press', bid: e.bid, key }),
  scroll: (e: ObsElement): string => formatAction({ kind: 'scroll_element', bid: e.bid }),
  noop: (waitMs = 0): string => formatAction({ kind: 'noop', waitMs }),
};
