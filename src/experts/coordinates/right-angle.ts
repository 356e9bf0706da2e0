import type { ObsElement } from '../../env/observation.ts';
import { byClass, firstElement, need } from '../find.ts';
import { pointExpert } from './point-expert.ts';
import { centreOf, type Point } from './points.ts';

const TASK = 'right-angle';
const ARM = 30;

function ends(tree: ObsElement): { vertex: Point; end: Point; box: NonNullable<ObsElement['box']> } {
  const vertex = centreOf(TASK, need(TASK, firstElement(tree, byClass('init-blue')), 'the blue vertex'));
  const end = centreOf(TASK, need(TASK, firstElement(tree, byClass('init-black')), 'the black point'));
  const drawing = need(
    TASK,
    firstElement(tree, (e) => e.tag === 'svg'),
    'the drawing',
  );
  return { vertex, end, box: drawing.box! };
}

/** 30 px from the vertex across the drawn line, on whichever side stays inside the drawing. */
export const rightAngleExpert = pointExpert(
  TASK,
  (tree) => {
    const { vertex, end, box } = ends(tree);
    const length = Math.hypot(end.x - vertex.x, end.y - vertex.y) || 1;
    const across = { x: -(end.y - vertex.y) / length, y: (end.x - vertex.x) / length };
    const sides = [1, -1].map((sign) => ({
      x: vertex.x + sign * ARM * across.x,
      y: vertex.y + sign * ARM * across.y,
    }));
    const fits = (p: Point): boolean =>
      p.x > box.x + 3 && p.y > box.y + 3 && p.x < box.x + box.width - 3 && p.y < box.y + box.height - 3;
    return sides.find(fits) ?? sides[0]!;
  },
  'a point across the line from the vertex',
  (tree) => {
    // Halfway along the drawn line: no angle at all.
    const { vertex, end } = ends(tree);
    return { x: (vertex.x + end.x) / 2, y: (vertex.y + end.y) / 2 };
  },
);
