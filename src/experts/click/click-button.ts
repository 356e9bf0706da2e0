import type { Expert } from '../expert.ts';
import { act, allElements, byRole, firstElement, need, quoted, taskArea, textOf } from '../find.ts';

export const clickButtonExpert: Expert = {
  task: 'click-button',
  solve({ observation }) {
    const [label = ''] = quoted(observation.utterance);
    const button = need(
      'click-button',
      firstElement(taskArea(observation.tree), (e) => e.role === 'button' && textOf(e) === label),
      `a button labelled "${label}"`,
    );
    return { thought: `The instruction names the "${label}" button; I click it.`, action: act.click(button) };
  },
  wrong({ observation }) {
    const [label = ''] = quoted(observation.utterance);
    const buttons = allElements(taskArea(observation.tree), byRole('button'));
    const other = need(
      'click-button',
      buttons.find((e) => textOf(e) !== label),
      'another button',
    );
    return {
      thought: `I click "${textOf(other)}", which is not the one asked for.`,
      action: act.click(other),
    };
  },
};
