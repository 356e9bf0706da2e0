import type { StepView } from '../../env/episode.ts';
import type { Expert } from '../expert.ts';
import { act, allElements, firstElement, need } from '../find.ts';
import { centreOf, mouse, submitButton } from '../coordinates/points.ts';

const TASK = 'drag-box';

/** The two boxes by size: the element whose box is smallest and the one that could hold it. */
function boxes({ observation }: StepView) {
  const area = need(
    TASK,
    firstElement(observation.tree, (e) => e.attributes.id === 'area'),
    'the task area',
  );
  const squares = allElements(
    area,
    (e) =>
      e.tag === 'div' &&
      e.box !== undefined &&
      e.children.length === 0 &&
      Math.abs(e.box.width - e.box.height) <= 1,
  ).sort((a, b) => a.box!.width - b.box!.width);
  if (squares.length < 2) need(TASK, undefined, 'a small and a large box');
  return { small: squares[0]!, large: squares.at(-1)! };
}

/** Drags the small box onto the centre of the large one, then submits; the wrong policy drags it beside. */
function dragThen(view: StepView, inside: boolean): { thought: string; action: string } {
  if (view.history.some((a) => a.startsWith('mouse_drag'))) {
    return {
      thought: 'The box is placed; I submit.',
      action: act.click(submitButton(TASK, view.observation.tree)),
    };
  }
  const { small, large } = boxes(view);
  const from = centreOf(TASK, small);
  const centre = centreOf(TASK, large);
  const to = inside
    ? centre
    : { x: centre.x, y: large.box!.y + large.box!.height + small.box!.height / 2 - 4 };
  return {
    thought: inside
      ? 'I drag the small box into the large one.'
      : "I drop the small box across the large one's edge.",
    action: mouse.drag(from, to),
  };
}

export const dragBoxExpert: Expert = {
  task: TASK,
  solve: (view) => dragThen(view, true),
  wrong: (view) => dragThen(view, false),
};
