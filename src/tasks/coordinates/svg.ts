/** SVG drawing for the coordinate and drag tasks: points, lines and shapes the agent finds by position. */
const SVG_NS = 'http://www.w3.org/2000/svg';

export function svgElement<K extends keyof SVGElementTagNameMap>(
  doc: Document,
  tag: K,
  attributes: Record<string, string | number> = {},
): SVGElementTagNameMap[K] {
  const element = doc.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  return element;
}

export interface Point {
  x: number;
  y: number;
}

/** Where a mouse event happened in the drawing's own coordinates (its top-left is (0, 0)). */
export function pointInSvg(svg: SVGSVGElement, event: MouseEvent): Point {
  const rect = svg.getBoundingClientRect();
  return { x: event.clientX - rect.left, y: event.clientY - rect.top };
}

export function distance(a: Point, b: Point): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}

/** A dot of radius 3.5, as the official geometry tasks draw their points. */
export function dot(doc: Document, at: Point, attributes: Record<string, string | number>): SVGCircleElement {
  return svgElement(doc, 'circle', { cx: at.x, cy: at.y, r: 3.5, ...attributes });
}
