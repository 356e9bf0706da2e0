import type { ObsElement } from '../../env/observation.ts';
import { allElements, byClass, firstElement, need } from '../find.ts';
import { pointExpert } from './point-expert.ts';
import { centreOf, type Point } from './points.ts';

const TASK = 'bisect-angle';

function angle(tree: ObsElement): { vertex: Point; a: Point; b: Point; drawing: ObsElement } {
  const vertex = centreOf(TASK, need(TASK, firstElement(tree, byClass('init-blue')), 'the blue vertex'));
  const ends = allElements(tree, byClass('init-black'));
  if (ends.length !== 2) need(TASK, undefined, 'the two black points');
  const drawing = need(
    TASK,
    firstElement(tree, (e) => e.tag === 'svg'),
    'the drawing',
  );
  return { vertex, a: centreOf(TASK, ends[0]!), b: centreOf(TASK, ends[1]!), drawing };
}

const unit = (from: Point, to: Point): Point => {
  const length = Math.hypot(to.x - from.x, to.y - from.y) || 1;
  return { x: (to.x - from.x) / length, y: (to.y - from.y) / length };
};

/** The farthest point along `direction` from `vertex`, up to 40 px, that stays inside the drawing. */
function along(vertex: Point, direction: Point, drawing: ObsElement): Point {
  const box = drawing.box!;
  for (const length of [40, 30, 20, 14, 10, 7]) {
    const p = { x: vertex.x + direction.x * length, y: vertex.y + direction.y * length };
    if (p.x > box.x + 3 && p.y > box.y + 3 && p.x < box.x + box.width - 3 && p.y < box.y + box.height - 3)
      return p;
  }
  return { x: vertex.x + direction.x * 5, y: vertex.y + direction.y * 5 };
}

/** Along the sum of the two arms' unit vectors (their perpendicular when the arms are opposite). */
export const bisectAngleExpert = pointExpert(
  TASK,
  (tree) => {
    const { vertex, a, b, drawing } = angle(tree);
    const ua = unit(vertex, a);
    const ub = unit(vertex, b);
    const sum = { x: ua.x + ub.x, y: ua.y + ub.y };
    const direction = Math.hypot(sum.x, sum.y) < 1e-3 ? { x: -ua.y, y: ua.x } : unit({ x: 0, y: 0 }, sum);
    return along(vertex, direction, drawing);
  },
  'a point on the bisector',
  (tree) => {
    // An arm turned 25 degrees away from the other arm: outside the angle, so -1.
    const { vertex, a, b, drawing } = angle(tree);
    const ua = unit(vertex, a);
    const ub = unit(vertex, b);
    const cross = ua.x * ub.y - ua.y * ub.x;
    const turn = ((cross > 0 ? -1 : 1) * 25 * Math.PI) / 180;
    const direction = {
      x: ua.x * Math.cos(turn) - ua.y * Math.sin(turn),
      y: ua.x * Math.sin(turn) + ua.y * Math.cos(turn),
    };
    return along(vertex, direction, drawing);
  },
);
