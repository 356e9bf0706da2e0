import type { StepView } from '../../env/episode.ts';
import type { ObsElement } from '../../env/observation.ts';
import type { Expert } from '../expert.ts';
import { act, firstElement, need, taskArea } from '../find.ts';
import { centreOf, distance, mouse, submitButton, type Point } from '../coordinates/points.ts';
import { seenItems, type SeenItem } from '../visual/shape-items.ts';
import { utterancePart } from '../click/utterance.ts';

/** Where shapes go in a box: six spots, three across and two down, clear of its edges. */
const SPOTS = [
  [0.17, 0.27],
  [0.5, 0.27],
  [0.83, 0.27],
  [0.17, 0.73],
  [0.5, 0.73],
  [0.83, 0.73],
] as const;
/** A spot is taken when a shape's centre is this close to it. */
const TAKEN_WITHIN = 9;

type Box = NonNullable<ObsElement['box']>;

/** Which shapes the instruction's words pick: "triangles", or "red shapes" by colour. */
function picker(words: string): (item: SeenItem) => boolean {
  const colour = /^(\w+) shapes$/.exec(words)?.[1];
  if (colour) return (item) => item.color.split('/').includes(colour);
  const kind = words.replace(/s$/, '');
  return (item) => item.text === kind;
}

function inside(point: Point, box: Box): boolean {
  return point.x > box.x && point.x < box.x + box.width && point.y > box.y && point.y < box.y + box.height;
}

/**
 * The next move of the shape-sorting experts: the first shape whose centre is not in the box it
 * belongs to (`destination`, or null for where it stands) is dragged to a free spot of that box;
 * when every shape is placed, Submit.
 */
function sortStep(
  task: string,
  tree: ObsElement,
  destination: (item: SeenItem) => ObsElement | null,
): { thought: string; action: string } {
  const items = seenItems(taskArea(tree));
  if (items.length === 0) need(task, undefined, 'the shapes');
  const centres = items.map((item) => centreOf(task, item.element));
  for (const [i, item] of items.entries()) {
    const box = destination(item)?.box;
    if (!box || inside(centres[i]!, box)) continue;
    const spot = SPOTS.map(([fx, fy]) => ({ x: box.x + fx * box.width, y: box.y + fy * box.height })).find(
      (at) => centres.every((c) => distance(c, at) > TAKEN_WITHIN),
    );
    if (!spot) need(task, undefined, 'a free place in the box');
    return {
      thought: `The ${item.color} ${item.text} belongs in the box at (${box.x}, ${box.y}); I drag it there.`,
      action: mouse.drag(centres[i]!, spot!),
    };
  }
  return {
    thought: 'Every shape is where it belongs; I submit.',
    action: act.click(submitButton(task, tree)),
  };
}

const boxById = (task: string, tree: ObsElement, id: string): ObsElement =>
  need(
    task,
    firstElement(tree, (e) => e.attributes.id === id),
    `the box "${id}"`,
  );

function dragShapesStep({ observation }: StepView, solve: boolean): { thought: string; action: string } {
  const task = 'drag-shapes';
  const words = utterancePart(
    task,
    observation.utterance,
    /^Drag all (.+) into the box, then press Submit\.$/,
  );
  const picks = picker(words);
  const box = boxById(task, observation.tree, 'shape-box');
  if (!solve)
    return {
      thought: 'I submit without moving anything.',
      action: act.click(submitButton(task, observation.tree)),
    };
  return sortStep(task, observation.tree, (item) => (picks(item) ? box : null));
}

function dragShapes2Step({ observation }: StepView, solve: boolean): { thought: string; action: string } {
  const task = 'drag-shapes-2';
  const words = utterancePart(
    task,
    observation.utterance,
    /^Drag all (.+) into the left box, and everything else into the right box\.$/,
  );
  const picks = picker(words);
  const left = boxById(task, observation.tree, 'left-box');
  const right = boxById(task, observation.tree, 'right-box');
  if (!solve)
    return {
      thought: 'I submit without moving anything.',
      action: act.click(submitButton(task, observation.tree)),
    };
  return sortStep(task, observation.tree, (item) => (picks(item) ? left : right));
}

export const dragShapesExpert: Expert = {
  task: 'drag-shapes',
  solve: (view) => dragShapesStep(view, true),
  wrong: (view) => dragShapesStep(view, false),
};

export const dragShapes2Expert: Expert = {
  task: 'drag-shapes-2',
  solve: (view) => dragShapes2Step(view, true),
  wrong: (view) => dragShapes2Step(view, false),
};
