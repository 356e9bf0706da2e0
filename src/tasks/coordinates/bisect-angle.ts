import { defineTask } from '../core/task.ts';
import { pointAnswer, POINT_TASK } from './point-answer.ts';
import { dot, svgElement, type Point } from './svg.ts';

/** The angle at `vertex` between the rays to `a` and `b`, in degrees. */
export function angleAt(vertex: Point, a: Point, b: Point): number {
  const first = Math.atan2(a.y - vertex.y, a.x - vertex.x);
  const second = Math.atan2(b.y - vertex.y, b.x - vertex.x);
  const turn = Math.abs(first - second) % (2 * Math.PI);
  return ((turn > Math.PI ? 2 * Math.PI - turn : turn) * 180) / Math.PI;
}

/**
 * A blue vertex joined to two black points; the agent clicks a third point so that the line from
 * the vertex halves the angle. With the angles from the click's ray to each arm, the larger one L
 * scores (total - L) / (total / 2): 1 on the bisector, 0 on an arm; a ray outside the angle gets -1,
 * as on the official page.
 */
export const bisectAngle = defineTask({
  name: 'bisect-angle',
  description: 'Click a point so the line from the vertex bisects the angle, then press Submit.',
  ...POINT_TASK,
  generate(ctx) {
    const { doc, random } = ctx;
    ctx.setUtterance('Create a line that bisects the angle evenly in two, then press submit.');
    const points: Point[] = [];
    // The three points keep 40 px apart along some axis, so the angle is plain to see.
    while (points.length < 3) {
      const next = { x: random.int(5, 134), y: random.int(10, 119) };
      if (points.every((p) => Math.abs(p.x - next.x) >= 40 || Math.abs(p.y - next.y) >= 40))
        points.push(next);
    }
    const [vertex, a, b] = points as [Point, Point, Point];
    const svg = svgElement(doc, 'svg', { id: 'svg-grid' });
    for (const end of [a, b]) {
      svg.append(
        svgElement(doc, 'line', { x1: vertex.x, y1: vertex.y, x2: end.x, y2: end.y, stroke: 'black' }),
      );
    }
    svg.append(
      dot(doc, vertex, { class: 'init-blue', fill: 'blue' }),
      dot(doc, a, { class: 'init-black', fill: 'black' }),
      dot(doc, b, { class: 'init-black', fill: 'black' }),
    );
    const total = angleAt(vertex, a, b);
    const judge = (chosen: Point) => {
      const toA = angleAt(vertex, a, chosen);
      const toB = angleAt(vertex, b, chosen);
      if (toA > total || toB > total) return { reward: -1, reason: 'the line is outside the angle' };
      return {
        reward: (total - Math.max(toA, toB)) / (total / 2),
        reason: `${toA.toFixed(1)} and ${toB.toFixed(1)} degrees`,
      };
    };
    ctx.area.append(svg, pointAnswer(ctx, svg, judge));
  },
});
