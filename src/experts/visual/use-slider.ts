import type { PolicyStep, StepView } from '../../env/episode.ts';
import type { ObsElement } from '../../env/observation.ts';
import { ExpertConfusedError, type Expert } from '../expert.ts';
import { act, allElements, byClass, byRole, firstElement, need, taskArea, textOf } from '../find.ts';

/**
 * Sliders by keyboard, as jQuery UI takes it: Page Up/Down move a fifth of the range, arrows one
 * step. The range is not shown, so the first page key teaches the page size (the largest move a
 * page key made); then pages while the gap is over half a page, arrows for the rest.
 */
interface SeenSlider {
  handle: ObsElement;
  value: number;
}

interface SliderMemory {
  page?: number;
  last?: { slider: number; before: number };
}

const isNumber = (e: ObsElement): boolean =>
  e.children.length > 0 && e.children.every((c) => typeof c === 'string') && /^-?\d+$/.test(textOf(e));

/** Each slider's handle, with the value shown after it (the next number on the page). */
function sliders(task: string, root: ObsElement): SeenSlider[] {
  const order = allElements(taskArea(root));
  const seen: SeenSlider[] = [];
  order.forEach((element, i) => {
    if (!byClass('ui-slider-handle')(element)) return;
    const shown = order.slice(i + 1).find(isNumber);
    if (!shown) throw new ExpertConfusedError(task, `cannot find the value of slider [${element.bid}]`);
    seen.push({ handle: element, value: Number(textOf(shown)) });
  });
  if (seen.length === 0) throw new ExpertConfusedError(task, 'cannot find a slider handle on the page');
  return seen;
}

function submitOf(task: string, root: ObsElement): ObsElement {
  return need(
    task,
    firstElement(taskArea(root), (e) => byRole('button')(e) && textOf(e) === 'Submit'),
    'Submit',
  );
}

function moveTowards(task: string, view: StepView, targets: readonly number[]): PolicyStep {
  const all = sliders(task, view.observation.tree);
  const memory = view.memory as SliderMemory;
  if (memory.last) {
    const moved = Math.abs((all[memory.last.slider]?.value ?? memory.last.before) - memory.last.before);
    memory.page = Math.max(memory.page ?? 0, moved);
    delete memory.last;
  }
  const index = all.findIndex((slider, i) => slider.value !== targets[i]);
  if (index === -1) {
    return {
      thought: `The sliders show ${targets.join(', ')}; I submit.`,
      action: act.click(submitOf(task, view.observation.tree)),
    };
  }
  const { handle, value } = all[index] as SeenSlider;
  const gap = (targets[index] as number) - value;
  const up = gap > 0;
  if (memory.page === undefined || memory.page === 0 || Math.abs(gap) > memory.page / 2) {
    memory.last = { slider: index, before: value };
    const key = up ? 'PageUp' : 'PageDown';
    return {
      thought: `Slider ${index + 1} shows ${value}, far from ${targets[index]}; I press ${key}.`,
      action: act.press(handle, key),
    };
  }
  const key = up ? 'ArrowUp' : 'ArrowDown';
  return {
    thought: `Slider ${index + 1} shows ${value}; one step ${up ? 'up' : 'down'} towards ${targets[index]}.`,
    action: act.press(handle, key),
  };
}

/** A wrong answer: nudge a slider off its target if all are on it, else submit as they are. */
function wrongStep(task: string, view: StepView, targets: readonly number[]): PolicyStep {
  const all = sliders(task, view.observation.tree);
  if (all.every((slider, i) => slider.value === targets[i])) {
    const first = all[0] as SeenSlider;
    return {
      thought: 'I move the slider off the value asked for.',
      action: act.press(first.handle, first.value > -100 ? 'ArrowDown' : 'ArrowUp'),
    };
  }
  return {
    thought: 'I submit the sliders as they are.',
    action: act.click(submitOf(task, view.observation.tree)),
  };
}

function singleTarget(utterance: string): number[] {
  const match = /Select (-?\d+) with the slider/.exec(utterance);
  if (!match) throw new ExpertConfusedError('use-slider', `cannot read the number in "${utterance}"`);
  return [Number(match[1])];
}

function combination(utterance: string): number[] {
  const match = /combination (\[[-\d,\s]*\])/.exec(utterance);
  if (!match) throw new ExpertConfusedError('use-slider-2', `cannot read the combination in "${utterance}"`);
  return JSON.parse(match[1] as string) as number[];
}

export const useSliderExperts: Expert[] = [
  {
    task: 'use-slider',
    solve: (view) => moveTowards('use-slider', view, singleTarget(view.observation.utterance)),
    wrong: (view) => wrongStep('use-slider', view, singleTarget(view.observation.utterance)),
  },
  {
    task: 'use-slider-2',
    solve: (view) => moveTowards('use-slider-2', view, combination(view.observation.utterance)),
    wrong: (view) => wrongStep('use-slider-2', view, combination(view.observation.utterance)),
  },
];
