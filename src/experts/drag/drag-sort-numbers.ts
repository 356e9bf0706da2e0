import type { StepView } from '../../env/episode.ts';
import type { Expert } from '../expert.ts';
import { act, allElements, taskArea, textOf } from '../find.ts';
import { submitButton } from '../coordinates/points.ts';
import { dragInList } from './drag-items.ts';

const TASK = 'drag-sort-numbers';

/**
 * Selection sort by dragging: the first place whose number is not the next smallest gets that
 * number dragged onto it; a sorted list is submitted. The wrong policy submits the list unsorted.
 */
function step(view: StepView, sort: boolean): { thought: string; action: string } {
  const tree = view.observation.tree;
  const items = allElements(taskArea(tree), (e) => e.tag === 'li');
  const numbers = items.map((item) => Number(textOf(item)));
  const sorted = [...numbers].sort((a, b) => a - b);
  const place = numbers.findIndex((n, i) => n !== sorted[i]);
  if (!sort || place < 0) {
    return {
      thought: sort ? 'The list is sorted; I submit.' : 'I submit as it is.',
      action: act.click(submitButton(TASK, tree)),
    };
  }
  const from = numbers.indexOf(sorted[place] as number);
  return {
    thought: `${sorted[place]} belongs at position ${place + 1}; I drag it there.`,
    action: dragInList(items, from, place),
  };
}

export const dragSortNumbersExpert: Expert = {
  task: TASK,
  solve: (view) => step(view, true),
  wrong: (view) => step(view, false),
};
