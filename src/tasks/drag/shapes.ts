import { svgElement } from '../coordinates/svg.ts';

export type ShapeKind = 'circle' | 'rectangle' | 'triangle';

/** A circle, square or triangle of about `size` px, centred at (x, y). */
export function drawShape(
  doc: Document,
  kind: ShapeKind,
  x: number,
  y: number,
  size: number,
  attributes: Record<string, string | number>,
): SVGGraphicsElement {
  const half = size / 2;
  if (kind === 'circle') return svgElement(doc, 'circle', { cx: x, cy: y, r: half, ...attributes });
  if (kind === 'rectangle') {
    return svgElement(doc, 'rect', { x: x - half, y: y - half, width: size, height: size, ...attributes });
  }
  const points = `${x},${y - half} ${x + half},${y + half} ${x - half},${y + half}`;
  return svgElement(doc, 'polygon', { points, ...attributes });
}
