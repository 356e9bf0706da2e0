import { h } from '../core/dom.ts';
import type { TaskContext } from '../core/task.ts';
import { dot, pointInSvg, svgElement, type Point } from './svg.ts';

/**
 * The canvas of the drawing tasks: an SVG on which pressing, moving and releasing the mouse draws
 * one stroke (a new press clears the old one), a marked point, and a Submit button below. Submit
 * hands the stroke's points (where the press and each move happened, in the drawing's own
 * coordinates) to `judge`, or ends with -1 when nothing was drawn.
 */
export const DRAWING_CSS = `
#area svg { border: 1px dotted black; width: 150px; height: 110px; display: block; }
#area path { fill: none; stroke: #000; stroke-width: 5px; stroke-linejoin: round; stroke-linecap: round; }
#controls { text-align: center; margin-top: 4px; }
#controls button { padding: 8px 10px; }
`;

export function drawingCanvas(
  ctx: TaskContext,
  mark: Point,
  markColour: string,
  judge: (stroke: Point[], path: SVGPathElement) => { reward: number; reason: string },
): void {
  const { doc } = ctx;
  const svg = svgElement(doc, 'svg');
  svg.append(dot(doc, mark, { id: 'marked-point', fill: markColour, r: 4 }));
  let stroke: Point[] = [];
  let path: SVGPathElement | null = null;
  let drawing = false;
  const redraw = (): void =>
    path?.setAttribute('d', stroke.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x},${p.y}`).join(' '));
  svg.addEventListener('mousedown', (event) => {
    event.preventDefault();
    path?.remove();
    stroke = [pointInSvg(svg, event)];
    path = svgElement(doc, 'path');
    svg.append(path);
    redraw();
    drawing = true;
  });
  doc.addEventListener('mousemove', (event) => {
    if (!drawing) return;
    stroke.push(pointInSvg(svg, event));
    redraw();
  });
  doc.addEventListener('mouseup', () => {
    drawing = false;
  });
  const submit = h(doc, 'button', { id: 'subbtn' }, 'Submit');
  submit.addEventListener('click', () => {
    if (!path) return ctx.fail('nothing was drawn');
    const { reward, reason } = judge(stroke, path);
    ctx.end(reward, reason);
  });
  ctx.area.append(svg, h(doc, 'div', { id: 'controls' }, submit));
}

/** The population standard deviation of some numbers. */
export function spread(values: readonly number[]): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / values.length);
}

/** The first score of `steps` whose bound `value` is under (or over, with `above`), else `last`. */
export function stepScore(
  value: number,
  steps: readonly [number, number][],
  last: number,
  above = false,
): number {
  for (const [bound, score] of steps) if (above ? value > bound : value < bound) return score;
  return last;
}
