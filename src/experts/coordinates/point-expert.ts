import type { ObsElement } from '../../env/observation.ts';
import type { Expert } from '../expert.ts';
import { act, firstElement, need } from '../find.ts';
import { centreOf, distance, mouse, submitButton, type Point } from './points.ts';

/**
 * An expert for the tasks answered by one click on a drawing, then Submit: it clicks where `answer`
 * says (read from the boxes), and submits once the blue mark stands there. The wrong policy clicks
 * `wrongAnswer`'s point, by default the drawing's corner farthest from the answer.
 */
export function pointExpert(
  task: string,
  answer: (tree: ObsElement) => Point,
  what: string,
  wrongAnswer?: (tree: ObsElement) => Point,
): Expert {
  const step = (tree: ObsElement, target: Point, thought: string): { thought: string; action: string } => {
    const mark = firstElement(tree, (e) => e.attributes.id === 'blue-circle');
    if (mark && distance(centreOf(task, mark), target) <= 2) {
      return {
        thought: 'The blue mark stands where I clicked; I submit.',
        action: act.click(submitButton(task, tree)),
      };
    }
    return { thought, action: mouse.click(target) };
  };
  return {
    task,
    solve: ({ observation }) =>
      step(observation.tree, answer(observation.tree), `I click ${what}, read from the positions.`),
    wrong({ observation }) {
      if (wrongAnswer) return step(observation.tree, wrongAnswer(observation.tree), 'I click a wrong point.');
      const target = answer(observation.tree);
      const drawing = need(
        task,
        firstElement(observation.tree, (e) => e.tag === 'svg'),
        'the drawing',
      );
      const { x, y, width, height } = drawing.box ?? { x: 0, y: 0, width: 0, height: 0 };
      const corners = [
        { x: x + 2, y: y + 2 },
        { x: x + width - 2, y: y + 2 },
        { x: x + 2, y: y + height - 2 },
        { x: x + width - 2, y: y + height - 2 },
      ];
      const far = corners.reduce((best, c) => (distance(c, target) > distance(best, target) ? c : best));
      return step(observation.tree, far, 'I click a corner of the drawing, far from the answer.');
    },
  };
}
