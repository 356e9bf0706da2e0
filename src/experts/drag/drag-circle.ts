import type { StepView } from '../../env/episode.ts';
import { utterancePart } from '../click/utterance.ts';
import { centreOf, mouse } from '../coordinates/points.ts';
import type { Expert } from '../expert.ts';
import { firstElement, need } from '../find.ts';

const TASK = 'drag-circle';
const DISTANCE = 30;
const MOVES: Record<string, [number, number]> = { left: [-1, 0], right: [1, 0], up: [0, -1], down: [0, 1] };
const OPPOSITE: Record<string, string> = { left: 'right', right: 'left', up: 'down', down: 'up' };

/** Drags the circle 30 px the way asked; the wrong policy drags it the opposite way. */
function dragCircle({ observation }: StepView, wrong: boolean): { thought: string; action: string } {
  const asked = utterancePart(TASK, observation.utterance, /^Drag the circle (left|right|up|down)\.$/);
  const direction = wrong ? OPPOSITE[asked]! : asked;
  const circle = need(
    TASK,
    firstElement(observation.tree, (e) => e.tag === 'circle'),
    'the circle',
  );
  const from = centreOf(TASK, circle);
  const [dx, dy] = MOVES[direction]!;
  return {
    thought: `I drag the circle ${direction}.`,
    action: mouse.drag(from, { x: from.x + dx * DISTANCE, y: from.y + dy * DISTANCE }),
  };
}

export const dragCircleExpert: Expert = {
  task: TASK,
  solve: (view) => dragCircle(view, false),
  wrong: (view) => dragCircle(view, true),
};
