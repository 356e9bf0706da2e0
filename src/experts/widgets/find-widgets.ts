import type { PolicyStep } from '../../env/episode.ts';
import type { ObsElement } from '../../env/observation.ts';
import { act, firstElement, need, textOf } from '../find.ts';

/** Reading the jQuery UI widgets of this family from an observation, and waiting for slow ones. */

export const hasClass =
  (name: string) =>
  (e: ObsElement): boolean =>
    (e.attributes.class ?? '').split(/\s+/).includes(name);

/** A visible link of the prose panels (`span.alink`) with the given text, or any other text. */
export function proseLink(root: ObsElement, text: string, wanted = true): ObsElement | undefined {
  return firstElement(root, (e) => hasClass('alink')(e) && (textOf(e) === text) === wanted);
}

/** What to click for a tab: its anchor, where the page's handler listens, else the tab itself. */
export function tabTarget(tab: ObsElement): ObsElement {
  return firstElement(tab, (e) => e.tag === 'a') ?? tab;
}

export const isExpanded = (e: ObsElement): boolean => e.attributes['aria-expanded'] === 'true';

/** The first wait for a delayed widget (longer than the official 400 ms animation); each wait in a row triples it. */
const FIRST_WAIT_MS = 500;

export function waitStep(
  history: readonly string[],
  thought: string,
  firstWaitMs = FIRST_WAIT_MS,
): PolicyStep {
  let waitsInARow = 0;
  for (let i = history.length - 1; i >= 0 && history[i]?.startsWith('noop('); i--) waitsInARow++;
  // The env waits at most 5 s per noop, so the action says no more than that.
  return { thought, action: act.noop(Math.min(firstWaitMs * 3 ** waitsInARow, 5000)) };
}

/** The page's Submit button (matched by role too: a wrapper holding only the button has its text). */
export function submitButton(task: string, root: ObsElement): ObsElement {
  return need(
    task,
    firstElement(root, (e) => e.role === 'button' && textOf(e) === 'Submit'),
    'the Submit button',
  );
}
