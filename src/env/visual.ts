import { describeColor, parseColor } from './colors.ts';

/**
 * What a text model needs of an element that only the eye would otherwise get: the colour of a
 * swatch, the kind, colour and geometry of an SVG shape. The observation adds these facts beside the
 * element's attributes. Read from the computed style where the DOM implementation has one (a
 * browser gives `rgb(...)` for every colour), else from the inline style and SVG attributes (happy-dom).
 */
export type VisualFacts = Record<string, string>;

const SVG_NS = 'http://www.w3.org/2000/svg';

/** SVG geometry attributes worth a model's tokens, by element. */
const GEOMETRY: Record<string, readonly string[]> = {
  circle: ['cx', 'cy', 'r'],
  ellipse: ['cx', 'cy', 'rx', 'ry'],
  rect: ['x', 'y', 'width', 'height'],
  polygon: ['points'],
  polyline: ['points'],
  line: ['x1', 'y1', 'x2', 'y2'],
  text: ['x', 'y', 'font-size'],
  path: [],
};

const POLYGON_NAMES: Record<number, string> = {
  3: 'triangle',
  4: 'quadrilateral',
  5: 'pentagon',
  6: 'hexagon',
  7: 'heptagon',
  8: 'octagon',
};

export function visualFacts(element: Element, win: Window | null): VisualFacts | null {
  if (element.namespaceURI === SVG_NS) return svgFacts(element, win);
  return swatchFacts(element, win);
}

/** Colours of painted SVG shapes and text, with what kind of shape each is and where. */
function svgFacts(element: Element, win: Window | null): VisualFacts | null {
  const tag = element.tagName.toLowerCase();
  const geometry = GEOMETRY[tag];
  if (!geometry) return null;
  const facts: VisualFacts = {};
  const kind = shapeKind(element, tag);
  if (kind) facts.shape = kind;
  const style = win?.getComputedStyle(element);
  for (const paint of ['fill', 'stroke'] as const) {
    const written =
      element.getAttribute(paint) ?? element.getAttribute('style')?.match(cssProperty(paint))?.[1];
    const computed = style?.getPropertyValue(paint);
    // A browser computes black for an unset fill; happy-dom computes nothing: say what is painted.
    const text = computed && computed !== 'none' ? computed : written;
    const rgb = text && text !== 'none' ? parseColor(text) : null;
    if (rgb) facts[paint] = describeColor(rgb);
  }
  for (const name of geometry) {
    const value = element.getAttribute(name);
    if (value !== null && value !== '') facts[name] = value;
  }
  return Object.keys(facts).length > 0 ? facts : null;
}

function shapeKind(element: Element, tag: string): string | null {
  if (tag === 'circle') return 'circle';
  if (tag === 'ellipse') return 'ellipse';
  if (tag === 'line') return 'line';
  if (tag === 'rect') return 'rectangle';
  if (tag === 'polygon') {
    const corners =
      (element.getAttribute('points') ?? '')
        .trim()
        .split(/[\s,]+/)
        .filter(Boolean).length / 2;
    return POLYGON_NAMES[corners] ?? `polygon of ${corners} sides`;
  }
  return null;
}

function cssProperty(name: string): RegExp {
  return new RegExp(`(?:^|;)\\s*${name}\\s*:\\s*([^;]+)`, 'i');
}

const FORM_TAGS = new Set(['INPUT', 'TEXTAREA', 'SELECT', 'BUTTON']);

/**
 * The background of a swatch: an empty element painted with a colour (a colour box, a block to
 * count), or any element whose own inline style paints its background (a colour picker's field).
 * Form controls and elements with content are left out, so ordinary pages gain no noise.
 */
function swatchFacts(element: Element, win: Window | null): VisualFacts | null {
  const inline = element.getAttribute('style')?.match(cssProperty('background(?:-color)?'))?.[1];
  const empty = element.childElementCount === 0 && (element.textContent ?? '').trim() === '';
  if (!inline && (!empty || FORM_TAGS.has(element.tagName))) return null;
  const computed = win?.getComputedStyle(element).backgroundColor;
  const rgb = parseColor(computed || inline || '') ?? (inline ? parseColor(inline) : null);
  return rgb ? { background: describeColor(rgb) } : null;
}
