import type { StepView } from '../../env/episode.ts';
import { utterancePart } from '../click/utterance.ts';
import { centreOf, mouse, submitButton } from '../coordinates/points.ts';
import type { Expert } from '../expert.ts';
import { act, byClass, firstElement, need, textOf } from '../find.ts';

const TASK = 'drag-cube';
const DISTANCE = 30;
/** Which way to drag to bring a side one quarter turn nearer the front (the back goes round by the left). */
const DRAGS: Record<string, [number, number]> = {
  left: [1, 0],
  back: [1, 0],
  right: [-1, 0],
  top: [0, 1],
  bottom: [0, -1],
};

/**
 * Reads where the asked side is (its class: front, left, ...) and drags the cube to roll it toward
 * the front, then submits once it is there. The wrong policy submits at once (the asked side never
 * starts in front).
 */
function step({ observation }: StepView, solve: boolean): { thought: string; action: string } {
  const tree = observation.tree;
  const side = utterancePart(TASK, observation.utterance, /^Drag the cube until side (\d) faces you/);
  const face = need(
    TASK,
    firstElement(tree, (e) => byClass('face')(e) && textOf(e) === side),
    `the side marked ${side}`,
  );
  const place = (face.attributes.class ?? '').split(/\s+/).find((c) => c !== 'face') ?? '';
  if (!solve || place === 'front') {
    return { thought: `Side ${side} is ${place}; I submit.`, action: act.click(submitButton(TASK, tree)) };
  }
  const move = DRAGS[place];
  if (!move) need(TASK, undefined, `where side ${side} is (its class says "${place}")`);
  const scene = need(
    TASK,
    firstElement(tree, (e) => e.attributes.id === 'cube-scene'),
    'the cube',
  );
  const from = centreOf(TASK, scene);
  const [dx, dy] = move!;
  return {
    thought: `Side ${side} is at the ${place}; I roll the cube toward it.`,
    action: mouse.drag(from, { x: from.x + dx * DISTANCE, y: from.y + dy * DISTANCE }),
  };
}

export const dragCubeExpert: Expert = {
  task: TASK,
  solve: (view) => step(view, true),
  wrong: (view) => step(view, false),
};
