import type { Expert } from '../expert.ts';
import { act, firstElement, need, taskArea, textOf } from '../find.ts';
import type { ObsElement } from '../../env/observation.ts';

const button = (tree: ObsElement, label: string): ObsElement =>
  need(
    'click-button-sequence',
    firstElement(taskArea(tree), (e) => e.role === 'button' && textOf(e) === label),
    `button ${label}`,
  );

export const clickButtonSequenceExpert: Expert = {
  task: 'click-button-sequence',
  solve({ observation, history }) {
    const one = button(observation.tree, 'ONE');
    if (!history.includes(act.click(one))) {
      return { thought: 'First button ONE, as the instruction says.', action: act.click(one) };
    }
    return {
      thought: 'I have clicked ONE; now button TWO.',
      action: act.click(button(observation.tree, 'TWO')),
    };
  },
  wrong({ observation }) {
    return {
      thought: 'I click TWO before ONE, the wrong order.',
      action: act.click(button(observation.tree, 'TWO')),
    };
  },
};
