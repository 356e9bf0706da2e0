/**
 * What turns Plot's output into one self-contained SVG file. Plot draws a legend as HTML beside its
 * SVG (and a colour ramp on a canvas, which Node's DOM lacks), so a downloaded figure would lose it:
 * the figures draw their legends here, in SVG, and stack them above the plot in one root element.
 */

const SVG_NS = 'http://www.w3.org/2000/svg';
const FONT_FAMILY = 'system-ui, sans-serif';

export interface Swatch {
  label: string;
  color: string;
}

function svgElement<K extends keyof SVGElementTagNameMap>(
  document: Document,
  name: K,
  attributes: Record<string, string | number>,
): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG_NS, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  return element;
}

function label(document: Document, text: string, x: number, y: number, anchor = 'start'): SVGTextElement {
  const element = svgElement(document, 'text', {
    x,
    y,
    'font-size': 11,
    'font-family': FONT_FAMILY,
    'text-anchor': anchor,
    'dominant-baseline': 'middle',
    fill: 'currentColor',
  });
  element.textContent = text;
  return element;
}

/** A row of coloured dots with their names, for a categorical colour scale. */
export function swatchLegend(document: Document, swatches: readonly Swatch[], title: string): SVGSVGElement {
  const root = svgElement(document, 'svg', { width: 0, height: 24, 'aria-label': `${title} legend` });
  let x = 4;
  for (const swatch of swatches) {
    root.append(svgElement(document, 'circle', { cx: x + 5, cy: 12, r: 5, fill: swatch.color }));
    root.append(label(document, swatch.label, x + 14, 12));
    // No layout in Node: a name's width is estimated from its length at 11px.
    x += 14 + swatch.label.length * 6.5 + 16;
  }
  root.setAttribute('width', String(Math.ceil(x)));
  return root;
}

/** One line of text, for a sentence under a plot. */
export function textLine(document: Document, text: string): SVGSVGElement {
  // No layout in Node: the width is estimated from the length at 11px.
  const root = svgElement(document, 'svg', { width: Math.ceil(12 + text.length * 6.2), height: 22 });
  root.append(label(document, text, 6, 11));
  return root;
}

/** A horizontal colour ramp from 0% to 100%, for a success scale running from `low` to `high`. */
export function rampLegend(document: Document, low: string, high: string, title: string): SVGSVGElement {
  const width = 240;
  const root = svgElement(document, 'svg', {
    width: width + 34,
    height: 40,
    'aria-label': `${title} legend`,
  });
  const id = `ramp-${low}-${high}`.replace(/[^a-z0-9-]/gi, '');
  const gradient = svgElement(document, 'linearGradient', { id });
  gradient.append(svgElement(document, 'stop', { offset: '0%', 'stop-color': low }));
  gradient.append(svgElement(document, 'stop', { offset: '100%', 'stop-color': high }));
  const defs = svgElement(document, 'defs', {});
  defs.append(gradient);
  root.append(defs);
  root.append(label(document, title, 10, 7));
  root.append(svgElement(document, 'rect', { x: 10, y: 14, width, height: 10, fill: `url(#${id})` }));
  for (const fraction of [0, 0.25, 0.5, 0.75, 1]) {
    const x = 10 + fraction * width;
    root.append(svgElement(document, 'line', { x1: x, x2: x, y1: 24, y2: 28, stroke: 'currentColor' }));
    root.append(label(document, `${fraction * 100}%`, x, 34, 'middle'));
  }
  return root;
}

const sizeOf = (element: SVGElement, name: 'width' | 'height'): number =>
  Number(element.getAttribute(name) ?? 0) || 0;

/** One SVG holding the parts one below the other (nested SVGs keep their own coordinates). */
export function stackSvg(document: Document, parts: readonly SVGElement[], title: string): SVGSVGElement {
  const width = Math.max(...parts.map((part) => sizeOf(part, 'width')));
  const root = svgElement(document, 'svg', { role: 'img', 'aria-label': title, 'font-family': FONT_FAMILY });
  const heading = svgElement(document, 'title', {});
  heading.textContent = title;
  root.append(heading);
  let y = 0;
  for (const part of parts) {
    part.setAttribute('y', String(y));
    root.append(part);
    y += sizeOf(part, 'height');
  }
  root.setAttribute('width', String(width));
  root.setAttribute('height', String(y));
  root.setAttribute('viewBox', `0 0 ${width} ${y}`);
  return root;
}

/** The figure as the text of an .svg file: namespaced, and XML (no HTML-only entities). */
export function figureToSvgText(element: SVGElement): string {
  const copy = element.cloneNode(true) as SVGElement;
  copy.setAttribute('xmlns', SVG_NS);
  // Plot paints text with currentColor, which a file opened on its own reads as black anyway; the
  // white background keeps it legible in viewers with a dark canvas.
  if (!copy.getAttribute('style')?.includes('background')) {
    copy.setAttribute('style', `${copy.getAttribute('style') ?? ''}background:white;color:black`);
  }
  const Serializer = element.ownerDocument.defaultView?.XMLSerializer;
  const text = Serializer ? new Serializer().serializeToString(copy) : copy.outerHTML;
  // An HTML serializer (happy-dom's) writes a no-break space as &nbsp;, which XML does not define.
  return `<?xml version="1.0" encoding="UTF-8"?>\n${text.replaceAll('&nbsp;', '&#160;')}\n`;
}
