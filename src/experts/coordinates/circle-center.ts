import { allElements, need } from '../find.ts';
import { pointExpert } from './point-expert.ts';
import { centreOf } from './points.ts';

const TASK = 'circle-center';

/** The centre of the circle's box (the circle that is not the blue mark). */
export const circleCenterExpert = pointExpert(
  TASK,
  (tree) => {
    const circles = allElements(tree, (e) => e.tag === 'circle' && e.attributes.id !== 'blue-circle');
    return centreOf(TASK, need(TASK, circles.length === 1 ? circles[0] : undefined, 'the one circle'));
  },
  'the centre of the circle',
);
