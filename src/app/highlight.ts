import { parseAction } from '../env/actions.ts';
import type { ObservationFormat } from '../env/observation.ts';

/** What an action acted on: an element (by bid), a point of the page, or nothing. */
export type ActionTarget = { bid: string } | { x: number; y: number } | null;

export function targetOf(actionText: string): ActionTarget {
  const parsed = parseAction(actionText);
  if (!parsed.ok) return null;
  const action = parsed.action;
  if ('bid' in action) return { bid: action.bid };
  if (action.kind === 'mouse_drag') return { x: action.x2, y: action.y2 };
  if ('x' in action) return { x: action.x, y: action.y };
  return null;
}

const STYLE_ID = 'lab-highlight';

/**
 * Outlines the element with `bid` in a task page, or clears the outline (bid null). The rule lives in
 * a <style> in the page's head, so the element itself is untouched and the observation (built from
 * the body) does not change.
 */
export function highlightBid(doc: Document, bid: string | null): void {
  let style = doc.getElementById(STYLE_ID);
  if (!style) {
    if (bid === null) return;
    style = doc.createElement('style');
    style.id = STYLE_ID;
    doc.head.append(style);
  }
  style.textContent =
    bid !== null && /^[\w-]+$/.test(bid)
      ? `[bid="${bid}"] { outline: 2px solid #f76707 !important; outline-offset: 1px !important; }`
      : '';
}

/** The bid a line of observation text is about: `<tag bid="7" ...` in HTML, `[7] role` in the tree. */
export function bidOfLine(line: string, format: ObservationFormat): string | null {
  const match = format === 'html' ? /^<\w+ bid="([\w-]+)"/.exec(line) : /^\s*\[([\w-]+)\]/.exec(line);
  return match?.[1] ?? null;
}
