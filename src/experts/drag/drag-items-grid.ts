import type { StepView } from '../../env/episode.ts';
import type { ObsElement } from '../../env/observation.ts';
import { ExpertConfusedError } from '../expert.ts';
import { moveOneExpert } from './drag-items.ts';
import { allElements, taskArea, textOf } from '../find.ts';
import { centreOf, mouse } from '../coordinates/points.ts';

const TASK = 'drag-items-grid';
const SIDE = 3;
const ROWS = ['top', 'center', 'bottom'];
const COLUMNS = ['left', 'center', 'right'];
const STEPS: Record<string, number> = { up: -SIDE, down: SIDE, left: -1, right: 1 };

/** The grid's cells in reading order, the named one's index and where it must go. */
function plan({ observation }: StepView): { items: ObsElement[]; from: number; to: number } {
  const match = /^Drag (.+) (?:to the (.+)|(up|down|left|right) by one)\.$/.exec(observation.utterance);
  if (!match) throw new ExpertConfusedError(TASK, `cannot read the instruction "${observation.utterance}"`);
  const cells = allElements(taskArea(observation.tree), (e) => e.tag === 'li');
  if (cells.length !== SIDE * SIDE)
    throw new ExpertConfusedError(TASK, `expected 9 cells, found ${cells.length}`);
  const from = cells.findIndex((cell) => textOf(cell) === match[1]);
  if (from < 0) throw new ExpertConfusedError(TASK, `cannot find "${match[1]}" in the grid`);
  if (match[3]) return { items: cells, from, to: from + (STEPS[match[3]] as number) };
  // "center" alone is the middle cell; otherwise a row word, then a column word.
  const [rowWord, columnWord = 'center'] = (match[2] as string).split(' ');
  const row = ROWS.indexOf(rowWord as string);
  const column = COLUMNS.indexOf(columnWord);
  if (row < 0 || column < 0) throw new ExpertConfusedError(TASK, `cannot place "${match[2]}" in the grid`);
  return { items: cells, from, to: row * SIDE + column };
}

const dragTo = (cells: ObsElement[], from: number, to: number): string =>
  mouse.drag(centreOf(TASK, cells[from]!), centreOf(TASK, cells[to]!));

export const dragItemsGridExpert = moveOneExpert(TASK, plan, dragTo, (i) => `cell ${i + 1}`);
