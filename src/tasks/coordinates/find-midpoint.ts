import { defineTask } from '../core/task.ts';
import { byDistance, pointAnswer, POINT_TASK } from './point-answer.ts';
import { dot, svgElement, type Point } from './svg.ts';

/**
 * Two black points; the agent clicks where it thinks their midpoint is (a blue point marks the last
 * click) and presses Submit. Partial credit falls off with the distance, to -1 beyond 30 px, as on
 * the official page.
 */
export const findMidpoint = defineTask({
  name: 'find-midpoint',
  description: 'Click the midpoint of two points, then press Submit.',
  ...POINT_TASK,
  generate(ctx) {
    const { doc, random } = ctx;
    ctx.setUtterance('Find and click on the shortest mid-point between the two points, then press submit.');
    const first: Point = { x: random.int(5, 135), y: random.int(10, 120) };
    let second: Point;
    // The points stand at least 30 px apart along one axis, so the midpoint is worth finding.
    do second = { x: random.int(5, 135), y: random.int(10, 125) };
    while (Math.abs(second.x - first.x) < 30 && Math.abs(second.y - first.y) < 30);
    const midpoint = { x: (first.x + second.x) / 2, y: (first.y + second.y) / 2 };

    const svg = svgElement(doc, 'svg', { id: 'svg-grid' });
    svg.append(
      dot(doc, first, { class: 'black-circle', fill: 'black' }),
      dot(doc, second, { class: 'black-circle', fill: 'black' }),
    );
    ctx.area.append(svg, pointAnswer(ctx, svg, byDistance(midpoint, 30)));
  },
});
