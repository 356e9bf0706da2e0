import { h } from '../core/dom.ts';
import type { TaskContext } from '../core/task.ts';
import { distance, dot, pointInSvg, type Point } from './svg.ts';

/** A verdict on the chosen point: the reward (partial credit in (0, 1), -1 for wrong) and why. */
export interface PointVerdict {
  reward: number;
  reason: string;
}

/**
 * The answer of the geometry tasks: a click on the drawing marks a blue point (the last click
 * counts), and Submit ends the episode with `judge`'s verdict on it, or -1 with no point.
 */
export function pointAnswer(
  ctx: TaskContext,
  svg: SVGSVGElement,
  judge: (chosen: Point) => PointVerdict,
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
    const { reward, reason } = judge(chosen);
    ctx.end(reward, reason);
  });
  return submit;
}

/** (maxDistance - d) / maxDistance for a point d px from `target`, -1 at maxDistance or beyond. */
export function byDistance(target: Point, maxDistance: number): (chosen: Point) => PointVerdict {
  return (chosen) => {
    const off = distance(chosen, target);
    return off < maxDistance
      ? { reward: (maxDistance - off) / maxDistance, reason: `${off.toFixed(1)} px off` }
      : { reward: -1, reason: `${off.toFixed(1)} px from the answer` };
  };
}

/** The registry facts and page layout the point-answer tasks share: a 150 x 130 SVG grid and Submit below. */
export const POINT_TASK = {
  wave: 3,
  needsCoordinates: true,
  perception: 'positions',
  partialCredit: true,
  css: `
#area { height: 164px; overflow: hidden; }
#svg-grid { width: 150px; height: 130px; display: block; }
#subbtn { position: absolute; left: 30px; bottom: 5px; }
`,
} as const;
