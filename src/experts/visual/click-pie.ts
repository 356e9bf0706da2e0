import type { PolicyStep, StepView } from '../../env/episode.ts';
import type { ObsElement } from '../../env/observation.ts';
import { ExpertConfusedError, type Expert } from '../expert.ts';
import { act, allElements, firstElement, quoted, taskArea, textOf } from '../find.ts';
import { waitStep } from '../widgets/find-widgets.ts';

/**
 * Opens the pie menu with its middle button (a class naming a "spreader"), waits for the slices if
 * they are slow, then clicks the slice title asked for (or, for a wrong answer, another one).
 */
function step(task: string, view: StepView, wanted: boolean): PolicyStep {
  const label = quoted(view.observation.utterance)[0];
  if (label === undefined) throw new ExpertConfusedError(task, 'cannot read the label asked for');
  const area = taskArea(view.observation.tree);
  const spreader = firstElement(area, (e) => /spreader/.test(e.attributes.class ?? ''));
  const titles = allElements(
    area,
    (e) =>
      e.tag === 'text' && textOf(e) !== '' && !/spreader/.test(e.attributes.class ?? '') && e !== spreader,
  ).filter((e) => !spreader || !allElements(spreader).includes(e));
  if (!view.memory.opened) {
    if (!spreader) throw new ExpertConfusedError(task, 'cannot find the button that opens the pie menu');
    view.memory.opened = true;
    return {
      thought: 'The pie menu is closed; I open it with its middle button.',
      action: act.click(spreader),
    };
  }
  const target = titles.find((t) => (textOf(t) === label) === wanted);
  if (!target) return waitStep(view.history, 'The slices are not out yet; I wait.');
  const thought = wanted
    ? `The slice labelled "${label}" is out; I click it.`
    : `I click "${textOf(target)}" instead.`;
  return { thought, action: act.click(target as ObsElement) };
}

export const clickPieExperts: Expert[] = ['click-pie', 'click-pie-nodelay'].map((task) => ({
  task,
  solve: (view) => step(task, view, true),
  wrong: (view) => step(task, view, false),
}));
