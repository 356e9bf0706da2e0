import type { StepView } from '../../env/episode.ts';
import type { ObsElement } from '../../env/observation.ts';
import { ExpertConfusedError, type Expert } from '../expert.ts';
import { allElements, taskArea, textOf } from '../find.ts';
import { centreOf, mouse } from '../coordinates/points.ts';

const TASK = 'drag-items';

/** The list's items in order, with the one named by the instruction and where it must go (0-based). */
function plan({ observation }: StepView): { items: ObsElement[]; from: number; to: number } {
  const match =
    /^Drag (.+) (to the top|to the bottom|up by one position|down by one position|to the (\d+)\w\w position)\.$/.exec(
      observation.utterance,
    );
  if (!match) throw new ExpertConfusedError(TASK, `cannot read the instruction "${observation.utterance}"`);
  const items = allElements(taskArea(observation.tree), (e) => e.tag === 'li');
  const from = items.findIndex((item) => textOf(item) === match[1]);
  if (from < 0) throw new ExpertConfusedError(TASK, `cannot find the item "${match[1]}" in the list`);
  const where = match[2] as string;
  const to = match[3]
    ? Number(match[3]) - 1
    : where === 'to the top'
      ? 0
      : where === 'to the bottom'
        ? items.length - 1
        : from + (where.startsWith('up') ? -1 : 1);
  return { items, from, to };
}

/**
 * Drags an item onto the place of the item now at position `to`, a little past that item's middle
 * so the list puts it there (before it when moving up, after it when moving down).
 */
export function dragInList(items: ObsElement[], from: number, to: number): string {
  const start = centreOf(TASK, items[from]!);
  const over = centreOf(TASK, items[to]!);
  return mouse.drag(start, { x: over.x, y: over.y + (to > from ? 3 : -3) });
}

/**
 * The expert of the tasks that ask to drag one item of a list or grid to a place: `plan` reads the
 * items, the one named and where it goes; `drag` moves it onto a place. The wrong policy drags it
 * onto a place that is neither its own nor the one asked. `place` names a place for the thought.
 */
export function moveOneExpert(
  task: string,
  plan: (view: StepView) => { items: ObsElement[]; from: number; to: number },
  drag: (items: ObsElement[], from: number, to: number) => string,
  place: (index: number) => string,
): Expert {
  return {
    task,
    solve(view) {
      const { items, from, to } = plan(view);
      return {
        thought: `The item is at ${place(from)}; I drag it to ${place(to)}.`,
        action: drag(items, from, to),
      };
    },
    wrong(view) {
      const { items, from, to } = plan(view);
      const elsewhere = items.findIndex((_, i) => i !== from && i !== to);
      return {
        thought: `I drag the item to ${place(elsewhere)} instead.`,
        action: drag(items, from, elsewhere),
      };
    },
  };
}

export const dragItemsExpert = moveOneExpert(TASK, plan, dragInList, (i) => `position ${i + 1}`);
