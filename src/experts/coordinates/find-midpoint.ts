import type { ObsElement } from '../../env/observation.ts';
import { act, allElements, byClass, firstElement, need } from '../find.ts';
import type { Expert } from '../expert.ts';
import { centreOf, distance, mouse, submitButton, type Point } from './points.ts';

const TASK = 'find-midpoint';

function points(tree: ObsElement): [Point, Point] {
  const dots = allElements(tree, byClass('black-circle'));
  if (dots.length !== 2) need(TASK, undefined, 'the two black points');
  return [centreOf(TASK, dots[0]!), centreOf(TASK, dots[1]!)];
}

/** Clicks the point given, or presses Submit once the blue mark stands there. */
function clickThenSubmit(
  tree: ObsElement,
  target: Point,
  thought: string,
): { thought: string; action: string } {
  const mark = firstElement(tree, (e) => e.attributes.id === 'blue-circle');
  if (mark && distance(centreOf(TASK, mark), target) <= 2) {
    return {
      thought: 'The blue mark stands where I clicked; I submit.',
      action: act.click(submitButton(TASK, tree)),
    };
  }
  return { thought, action: mouse.click(target) };
}

/** Halfway between the two black points' centres, read from their boxes. */
export const findMidpointExpert: Expert = {
  task: TASK,
  solve({ observation }) {
    const [a, b] = points(observation.tree);
    const midpoint = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
    return clickThenSubmit(
      observation.tree,
      midpoint,
      'The midpoint is halfway between the two points; I click there.',
    );
  },
  wrong({ observation }) {
    const [a, b] = points(observation.tree);
    const midpoint = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
    const grid = need(
      TASK,
      firstElement(observation.tree, (e) => e.tag === 'svg'),
      'the drawing',
    );
    const { x, y, width, height } = grid.box ?? { x: 0, y: 0, width: 0, height: 0 };
    const corners = [
      { x: x + 2, y: y + 2 },
      { x: x + width - 2, y: y + 2 },
      { x: x + 2, y: y + height - 2 },
      { x: x + width - 2, y: y + height - 2 },
    ];
    const far = corners.reduce((best, c) => (distance(c, midpoint) > distance(best, midpoint) ? c : best));
    return clickThenSubmit(observation.tree, far, 'I click a corner, far from the midpoint.');
  },
};
