import { defineTask } from '../core/task.ts';
import { byDistance, pointAnswer, POINT_TASK } from './point-answer.ts';
import { svgElement } from './svg.ts';

/**
 * A circle outline; the agent clicks its centre and presses Submit. The official page was not at
 * hand, so its scoring follows find-midpoint's: (r - d) / r for a click d px from the centre of a
 * circle of radius r, -1 outside the circle or with no click.
 */
export const circleCenter = defineTask({
  name: 'circle-center',
  description: 'Click the centre of the circle, then press Submit.',
  ...POINT_TASK,
  generate(ctx) {
    const { doc, random } = ctx;
    ctx.setUtterance('Find and click on the center of the circle, then press submit.');
    const r = random.int(15, 45);
    const centre = { x: random.int(r + 2, 148 - r), y: random.int(r + 2, 128 - r) };
    const svg = svgElement(doc, 'svg', { id: 'svg-grid' });
    svg.append(
      svgElement(doc, 'circle', {
        cx: centre.x,
        cy: centre.y,
        r,
        fill: 'none',
        stroke: random.pick(['black', 'red', 'blue', 'green']),
        'stroke-width': 2,
        class: 'target-circle',
      }),
    );
    ctx.area.append(svg, pointAnswer(ctx, svg, byDistance(centre, r)));
  },
});
