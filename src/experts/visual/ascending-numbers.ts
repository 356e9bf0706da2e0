import type { PolicyStep, StepView } from '../../env/episode.ts';
import type { ObsElement } from '../../env/observation.ts';
import { ExpertConfusedError, type Expert } from '../expert.ts';
import { act, allElements, taskArea, textOf } from '../find.ts';

const TASK = 'ascending-numbers';
const COUNT = 5;

/**
 * The numbers are shown only until 1 is clicked; then boxes cover them. The expert notes where each
 * number was, then clicks, for each next number, the box nearest to where it stood.
 */
function step(view: StepView, choose: (numbers: number[]) => number): PolicyStep {
  const area = taskArea(view.observation.tree);
  const numbers = allElements(area, (e) => e.tag === 'text' && /^\d+$/.test(textOf(e)));
  const positions = (view.memory.positions ??= {}) as Record<number, [number, number]>;
  if (numbers.length > 0) {
    for (const n of numbers) positions[Number(textOf(n))] = [Number(n.visual?.x), Number(n.visual?.y)];
    const wanted = choose(numbers.map((n) => Number(textOf(n))));
    const target = numbers.find((n) => Number(textOf(n)) === wanted) as ObsElement;
    return { thought: `I note where each number is and click ${wanted}.`, action: act.click(target) };
  }
  const boxes = allElements(area, (e) => e.visual?.shape === 'rectangle');
  if (boxes.length === 0) throw new ExpertConfusedError(TASK, 'sees neither numbers nor boxes');
  const next = COUNT + 1 - boxes.length;
  const at = positions[next];
  if (!at) throw new ExpertConfusedError(TASK, `never saw where ${next} was`);
  const distance = (box: ObsElement): number =>
    Math.hypot(Number(box.visual?.x) - at[0], Number(box.visual?.y) - at[1]);
  const nearest = boxes.reduce((best, box) => (distance(box) < distance(best) ? box : best));
  return {
    thought: `${next} was at (${at[0]}, ${at[1]}); I click the box there.`,
    action: act.click(nearest),
  };
}

export const ascendingNumbersExpert: Expert = {
  task: TASK,
  solve: (view) => step(view, (numbers) => Math.min(...numbers)),
  wrong: (view) => step(view, (numbers) => Math.max(...numbers)),
};
