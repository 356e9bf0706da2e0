import type { StepView } from '../../env/episode.ts';
import { act, firstElement, byClass, need } from '../find.ts';
import type { Expert } from '../expert.ts';
import { utterancePart } from '../click/utterance.ts';
import { centreOf, mouse, submitButton } from '../coordinates/points.ts';

const TASK = 'drag-single-shape';
const STEP = 25;
const MOVES: Record<string, [number, number]> = { left: [-1, 0], right: [1, 0], up: [0, -1], down: [0, 1] };
const OPPOSITE: Record<string, string> = { left: 'right', right: 'left', up: 'down', down: 'up' };

/** Drags the shape 25 px the way asked, then submits; the wrong policy drags it the other way. */
function dragThenSubmit(
  { observation, history }: StepView,
  direction: string,
): { thought: string; action: string } {
  if (history.some((a) => a.startsWith('mouse_drag'))) {
    return {
      thought: `I dragged the item ${direction}; I submit.`,
      action: act.click(submitButton(TASK, observation.tree)),
    };
  }
  const shape = need(TASK, firstElement(observation.tree, byClass('black-shape')), 'the shape');
  const from = centreOf(TASK, shape);
  const [dx, dy] = MOVES[direction]!;
  return {
    thought: `I drag the item ${direction}.`,
    action: mouse.drag(from, { x: from.x + dx * STEP, y: from.y + dy * STEP }),
  };
}

const askedDirection = (utterance: string): string =>
  utterancePart(TASK, utterance, /^Drag the item (left|right|up|down) then press Submit\.$/);

export const dragSingleShapeExpert: Expert = {
  task: TASK,
  solve: (view) => dragThenSubmit(view, askedDirection(view.observation.utterance)),
  wrong: (view) => dragThenSubmit(view, OPPOSITE[askedDirection(view.observation.utterance)]!),
};
