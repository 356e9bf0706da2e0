import { defineTask } from '../core/task.ts';
import { angleAt } from './bisect-angle.ts';
import { pointAnswer, POINT_TASK } from './point-answer.ts';
import { dot, svgElement, type Point } from './svg.ts';

/** Beyond this many degrees off a right angle the answer gets -1. */
const MAX_ERROR = 30;

/**
 * A blue vertex joined to a black point; the agent clicks a third point so that the line from the
 * vertex to it makes a right angle with the drawn one, then Submit. The official page was not at
 * hand; scoring follows the lab's other point tasks: (30 - e) / 30 for an angle e degrees off 90,
 * -1 at 30 degrees or more or with no point.
 */
export const rightAngle = defineTask({
  name: 'right-angle',
  description: 'Click a third point that makes a right angle at the vertex, then press Submit.',
  ...POINT_TASK,
  generate(ctx) {
    const { doc, random } = ctx;
    ctx.setUtterance('Add a third point to create a right angle, then press submit.');
    // The vertex keeps 35 px from every edge, so both perpendiculars have room on the drawing.
    const vertex: Point = { x: random.int(35, 115), y: random.int(35, 95) };
    let end: Point;
    do end = { x: random.int(5, 145), y: random.int(5, 125) };
    while (Math.hypot(end.x - vertex.x, end.y - vertex.y) < 40);
    const svg = svgElement(doc, 'svg', { id: 'svg-grid' });
    svg.append(
      svgElement(doc, 'line', { x1: vertex.x, y1: vertex.y, x2: end.x, y2: end.y, stroke: 'black' }),
      dot(doc, vertex, { class: 'init-blue', fill: 'blue' }),
      dot(doc, end, { class: 'init-black', fill: 'black' }),
    );
    const judge = (chosen: Point) => {
      const error = Math.abs(angleAt(vertex, end, chosen) - 90);
      return {
        reward: error < MAX_ERROR ? (MAX_ERROR - error) / MAX_ERROR : -1,
        reason: `${error.toFixed(1)} degrees off a right angle`,
      };
    };
    ctx.area.append(svg, pointAnswer(ctx, svg, judge));
  },
});
