import type { Expert } from '../expert.ts';
import { act, byRole, firstElement, need, taskArea } from '../find.ts';
import { hasClass, submitButton } from './find-widgets.ts';

const TASK = 'use-spinner';

/** Page keys move the spinner by ten; its up and down buttons by one. */
const PAGE = 10;

export const useSpinnerExpert: Expert = {
  task: TASK,
  solve({ observation }) {
    const target = Number(/Select (-?\d+)/.exec(observation.utterance)?.[1]);
    const area = taskArea(observation.tree);
    const spinner = need(TASK, firstElement(area, byRole('spinbutton')), 'the spinner');
    const current = Number.parseInt(spinner.value ?? '', 10) || 0;
    const gap = target - current;
    if (gap === 0) {
      const submit = submitButton(TASK, area);
      return { thought: `The spinner shows ${target}; I click Submit.`, action: act.click(submit) };
    }
    if (Math.abs(gap) > PAGE / 2) {
      const key = gap > 0 ? 'PageUp' : 'PageDown';
      return {
        thought: `The spinner shows ${current}, far from ${target}; I press ${key} to jump by ten.`,
        action: act.press(spinner, key),
      };
    }
    const direction = gap > 0 ? 'up' : 'down';
    const button = need(
      TASK,
      firstElement(area, hasClass(`ui-spinner-${direction}`)),
      `the ${direction} button`,
    );
    return {
      thought: `The spinner shows ${current}; I step it ${direction} towards ${target}.`,
      action: act.click(button),
    };
  },
  wrong({ observation }) {
    const target = Number(/Select (-?\d+)/.exec(observation.utterance)?.[1]);
    const area = taskArea(observation.tree);
    const spinner = need(TASK, firstElement(area, byRole('spinbutton')), 'the spinner');
    if (Number.parseInt(spinner.value ?? '', 10) === target) {
      const up = need(TASK, firstElement(area, hasClass('ui-spinner-up')), 'the up button');
      return { thought: 'I move the spinner away from the number asked for.', action: act.click(up) };
    }
    const submit = submitButton(TASK, area);
    return { thought: `I submit ${spinner.value}, which is not ${target}.`, action: act.click(submit) };
  },
};
