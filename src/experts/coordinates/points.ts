import { formatAction } from '../../env/actions.ts';
import type { ObsElement } from '../../env/observation.ts';
import { ExpertConfusedError } from '../expert.ts';
import { allElements, byRole, byText, need, taskArea } from '../find.ts';

/** Reading positions from an observation (its `box` attributes) and acting with the mouse there. */

export interface Point {
  x: number;
  y: number;
}

/** The centre of an element's box; a page observed without positions leaves the expert nothing to go on. */
export function centreOf(task: string, element: ObsElement): Point {
  const box = element.box;
  if (!box) {
    throw new ExpertConfusedError(
      task,
      'the observation has no positions (box=...): this task needs a browser and perception "positions"',
    );
  }
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

const whole = (value: number): number => Math.round(value);

export const mouse = {
  click: (at: Point): string => formatAction({ kind: 'mouse_click', x: whole(at.x), y: whole(at.y) }),
  drag: (from: Point, to: Point): string =>
    formatAction({
      kind: 'mouse_drag',
      x1: whole(from.x),
      y1: whole(from.y),
      x2: whole(to.x),
      y2: whole(to.y),
    }),
};

/** The task's Submit button. */
export function submitButton(task: string, tree: ObsElement): ObsElement {
  const area = taskArea(tree);
  return need(
    task,
    allElements(area, (e) => byRole('button')(e) && byText('Submit')(e))[0] ??
      allElements(area, (e) => e.attributes.id === 'subbtn')[0],
    'the Submit button',
  );
}

export function distance(a: Point, b: Point): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}
