import type { PolicyStep, StepView } from '../../env/episode.ts';
import type { Expert } from '../expert.ts';
import { ExpertConfusedError } from '../expert.ts';
import { act, allElements, firstElement, need, taskArea } from '../find.ts';
import { submitButton } from '../text/steps.ts';

const TASK = 'number-checkboxes';

/**
 * The example is a grid of disabled checkboxes beside the grid to draw in: the expert ticks or
 * unticks the first box that differs from the example, and submits once none does.
 */
function step({ observation }: StepView, wrong: boolean): PolicyStep {
  const area = taskArea(observation.tree);
  const submit = submitButton(TASK, area);
  if (wrong) return { thought: 'I submit the grid as it is, without drawing.', action: act.click(submit) };
  const example = allElements(
    need(
      TASK,
      firstElement(area, (e) => e.tag === 'aside'),
      'the example on the right',
    ),
    (e) => e.role === 'checkbox',
  );
  const grid = allElements(
    need(
      TASK,
      firstElement(area, (e) => e.attributes.id === 'checkboxes'),
      'the grid of checkboxes',
    ),
    (e) => e.role === 'checkbox',
  );
  if (grid.length !== example.length || grid.length === 0)
    throw new ExpertConfusedError(TASK, `the grid has ${grid.length} boxes, the example ${example.length}`);
  const index = grid.findIndex((box, i) => Boolean(box.checked) !== Boolean(example[i]?.checked));
  const box = grid[index];
  if (!box) return { thought: 'The grid matches the example; I press Submit.', action: act.click(submit) };
  const row = Math.floor(index / 4) + 1;
  const column = (index % 4) + 1;
  const verb = box.checked ? 'untick' : 'tick';
  return {
    thought: `Box ${column} of row ${row} differs from the example; I ${verb} it.`,
    action: act.click(box),
  };
}

export const numberCheckboxesExpert: Expert = {
  task: TASK,
  solve: (view) => step(view, false),
  wrong: (view) => step(view, true),
};
