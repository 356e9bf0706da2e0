import { allElements, byClass, need } from '../find.ts';
import { pointExpert } from './point-expert.ts';
import { centreOf } from './points.ts';

const TASK = 'find-midpoint';

/** Halfway between the two black points' centres. */
export const findMidpointExpert = pointExpert(
  TASK,
  (tree) => {
    const dots = allElements(tree, byClass('black-circle'));
    if (dots.length !== 2) need(TASK, undefined, 'the two black points');
    const [a, b] = dots.map((dot) => centreOf(TASK, dot)) as [
      { x: number; y: number },
      { x: number; y: number },
    ];
    return { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
  },
  'the midpoint of the two points',
);
