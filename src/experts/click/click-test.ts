import type { Expert } from '../expert.ts';
import { act, byRole, firstElement, need, taskArea } from '../find.ts';

export const clickTestExpert: Expert = {
  task: 'click-test',
  solve({ observation }) {
    const button = need('click-test', firstElement(taskArea(observation.tree), byRole('button')), 'a button');
    return { thought: 'There is one button; I click it.', action: act.click(button) };
  },
  wrong({ observation }) {
    // The only way to fail is to run out of steps: click the instruction instead of the button.
    const query = need(
      'click-test',
      firstElement(observation.tree, (e) => e.attributes.id === 'query'),
      'the query box',
    );
    return { thought: 'I click the instruction text instead of the button.', action: act.click(query) };
  },
};
