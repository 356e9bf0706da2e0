import { parseColor, sameColor } from '../../env/colors.ts';
import type { ObsElement } from '../../env/observation.ts';
import { allElements, textOf } from '../find.ts';

/** Reading the shape grid of the shape tasks from an observation's visual facts. */

export interface SeenItem {
  element: ObsElement;
  /** The painted colour, as the observation words it ("red", "aqua/cyan"). */
  color: string;
  size: 'large' | 'small';
  type: 'letter' | 'digit' | 'shape';
  /** The letter or digit, or the shape's kind. */
  text: string;
}

/** A half-cell item is 10 px across and a whole-cell one 20 px: anything from 15 px up is large. */
const LARGE_FROM_PX = 15;

function extent(element: ObsElement): number {
  const facts = element.visual ?? {};
  if (facts.r !== undefined) return 2 * Number(facts.r);
  if (facts.width !== undefined) return Number(facts.width);
  if (facts['font-size'] !== undefined) return parseFloat(facts['font-size']);
  const xs = (facts.points ?? '')
    .trim()
    .split(/\s+/)
    .map((pair) => Number(pair.split(',')[0]));
  return xs.length > 1 ? Math.max(...xs) - Math.min(...xs) : 0;
}

/** What kind of item an observed SVG element is, or null for anything that is not one. */
function kindOf(element: ObsElement): Pick<SeenItem, 'type' | 'text'> | null {
  const shape = element.visual?.shape;
  if (shape === 'circle' || shape === 'rectangle' || shape === 'triangle')
    return { type: 'shape', text: shape };
  if (element.tag !== 'text') return null;
  const text = textOf(element);
  if (/^[a-z]$/i.test(text)) return { type: 'letter', text };
  if (/^\d$/.test(text)) return { type: 'digit', text };
  return null;
}

export function seenItems(root: ObsElement, scale = 1): SeenItem[] {
  const items: SeenItem[] = [];
  for (const element of allElements(root, (e) => e.visual?.fill !== undefined)) {
    const kind = kindOf(element);
    if (!kind) continue;
    const size = extent(element) >= LARGE_FROM_PX * scale ? 'large' : 'small';
    items.push({ element, color: element.visual?.fill ?? '', size, ...kind });
  }
  return items;
}

export interface AskedItem {
  size: string;
  color: string;
  noun: string;
}

/** "large red circle" -> size, colour and noun; a missing part is ''. */
export function parseDescription(words: string): AskedItem {
  const parts = words.trim().split(/\s+/);
  const size = parts[0] === 'large' || parts[0] === 'small' ? (parts.shift() as string) : '';
  const color = parts.length > 1 && parseColor(parts[0] as string) ? (parts.shift() as string) : '';
  return { size, color, noun: parts.join(' ') };
}

export function fits(item: SeenItem, asked: AskedItem): boolean {
  const wantedColor = asked.color ? parseColor(asked.color) : null;
  const seenColor = parseColor(item.color);
  return (
    (asked.size === '' || asked.size === item.size) &&
    (!wantedColor || (seenColor !== null && sameColor(wantedColor, seenColor))) &&
    (asked.noun === 'item' || asked.noun === item.text || asked.noun === item.type)
  );
}
