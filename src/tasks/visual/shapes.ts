import type { Random } from '../../core/random.ts';
import { svg } from './svg.ts';

/**
 * The MiniWob++ shape grid: letters, digits and shapes (circle, rectangle, triangle) in a few
 * colours and two sizes, one per cell of a grid of 20 px cells, and the lossy descriptions the
 * shape tasks ask about ("large red circle", "blue letter", "small item").
 */
export const SHAPE_COLORS = ['red', 'green', 'blue', 'aqua', 'black', 'magenta', 'yellow'] as const;
export const SHAPE_KINDS = ['circle', 'rectangle', 'triangle'] as const;
const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';
export const CELL = 20;

export type ItemType = 'letter' | 'digit' | 'shape';
export type Size = 'large' | 'small';

export interface GridItem {
  column: number;
  row: number;
  color: string;
  size: Size;
  type: ItemType;
  /** The letter or digit shown, or the shape's kind. */
  text: string;
}

/** What an item is, drawn at random: the type probabilities of letter, then digit; the rest are shapes. */
export function randomItem(
  random: Random,
  column: number,
  row: number,
  letterChance = 0.5,
  digitChance = 0.2,
): GridItem {
  const color = random.pick(SHAPE_COLORS);
  const size: Size = random.chance(0.5) ? 'large' : 'small';
  const r = random.next();
  if (r < letterChance) return { column, row, color, size, type: 'letter', text: random.pick([...LETTERS]) };
  if (r < letterChance + digitChance) {
    return { column, row, color, size, type: 'digit', text: random.pick([...DIGITS]) };
  }
  return { column, row, color, size, type: 'shape', text: random.pick(SHAPE_KINDS) };
}

/** `count` items in distinct cells of a `columns` x `rows` grid. */
export function randomGrid(random: Random, count: number, columns: number, rows: number): GridItem[] {
  const cells = random.sample(
    Array.from({ length: columns * rows }, (_, i) => i),
    count,
  );
  return cells.map((cell) => randomItem(random, cell % columns, Math.floor(cell / columns)));
}

/** Pixel size of an item: small ones are half a cell, large ones a whole cell. */
export function sizeInPixels(size: Size, scale = 1): number {
  return (size === 'large' ? CELL : CELL / 2) * scale;
}

/** Draws one item as an SVG element centred at (cx, cy). */
export function drawItem(doc: Document, item: GridItem, cx: number, cy: number, scale = 1): SVGElement {
  const px = sizeInPixels(item.size, scale);
  const style = 'cursor: pointer';
  if (item.type !== 'shape') {
    return svg(
      doc,
      'text',
      {
        x: cx,
        y: cy,
        fill: item.color,
        'text-anchor': 'middle',
        'dominant-baseline': 'central',
        'font-size': `${px}px`,
        style,
      },
      item.text,
    );
  }
  if (item.text === 'circle') return svg(doc, 'circle', { cx, cy, r: px / 2, fill: item.color, style });
  if (item.text === 'rectangle') {
    return svg(doc, 'rect', {
      x: cx - px / 2,
      y: cy - px / 2,
      width: px,
      height: px,
      fill: item.color,
      style,
    });
  }
  const points = `${cx - px / 2},${cy + px / 2} ${cx},${cy - px / 2} ${cx + px / 2},${cy + px / 2}`;
  return svg(doc, 'polygon', { points, fill: item.color, style });
}

/** Centre of a grid cell in pixels. */
export const cellCentre = (index: number): number => index * CELL + CELL / 2;

/** A description: each part may be left out; an empty part matches anything. */
export interface Description {
  size: Size | '';
  color: string;
  /** 'item', a type ('letter', 'digit', 'shape'), or an exact text or shape kind. */
  noun: string;
}

/** Describes an item lossily: size and colour each half the time, the noun exact, generic or 'item'. */
export function describeItem(random: Random, item: GridItem): Description {
  const size = random.chance(0.5) ? item.size : '';
  const color = random.chance(0.5) ? item.color : '';
  const named = random.chance(0.5) || (size === '' && color === '');
  const noun = !named ? 'item' : random.chance(0.5) ? item.text : item.type;
  return { size, color, noun };
}

export function descriptionText(d: Description): string {
  return [d.size, d.color, d.noun].filter(Boolean).join(' ');
}

export function matches(item: GridItem, d: Description): boolean {
  return (
    (d.size === '' || d.size === item.size) &&
    (d.color === '' || d.color === item.color) &&
    (d.noun === 'item' || d.noun === item.text || d.noun === item.type)
  );
}
