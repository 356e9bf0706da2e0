import type { Attributes, Child } from '../core/dom.ts';

const SVG_NS = 'http://www.w3.org/2000/svg';

/** `h` for SVG: elements in the SVG namespace, so browsers draw them and DOM implementations know them. */
export function svg(
  doc: Document,
  tag: string,
  attributes: Attributes = {},
  ...children: Child[]
): SVGElement {
  const element = doc.createElementNS(SVG_NS, tag) as SVGElement;
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(typeof child === 'object' ? child : doc.createTextNode(String(child)));
  }
  return element;
}
