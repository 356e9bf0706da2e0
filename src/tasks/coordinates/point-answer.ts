import { h } from '../core/dom.ts';
import type { TaskContext } from '../core/task.ts';
import { distance, dot, pointInSvg, type Point } from './svg.ts';

/**
 * The answer of the geometry tasks: a click on the drawing marks a blue point (the last click
 * counts), and Submit scores it by its distance d from the right place: (maxDistance - d) /
 * maxDistance within `maxDistance` px, -1 beyond or with no point.
 */
export function pointAnswer(
  ctx: TaskContext,
  svg: SVGSVGElement,
  target: Point,
  maxDistance: number,
): HTMLButtonElement {
  let chosen: Point | null = null;
  svg.addEventListener('click', (event) => {
    chosen = pointInSvg(svg, event);
    svg.querySelector('#blue-circle')?.remove();
    svg.append(dot(ctx.doc, chosen, { id: 'blue-circle', class: 'blue', fill: 'blue' }));
  });
  const submit = h(ctx.doc, 'button', { id: 'subbtn', class: 'secondary-action' }, 'Submit');
  submit.addEventListener('click', () => {
    if (!chosen) return ctx.fail('no point was chosen');
    const off = distance(chosen, target);
    if (off < maxDistance) ctx.end((maxDistance - off) / maxDistance, `${off.toFixed(1)} px off`);
    else ctx.fail(`${off.toFixed(1)} px from the answer`);
  });
  return submit;
}
