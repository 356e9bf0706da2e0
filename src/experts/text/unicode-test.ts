import type { Expert } from '../expert.ts';
import { act, allElements, byRole, need, taskArea, textOf } from '../find.ts';
import { firstQuote, queryBox } from './steps.ts';

export const unicodeTestExpert: Expert = {
  task: 'unicode-test',
  solve({ observation }) {
    const label = firstQuote('unicode-test', observation.utterance);
    const button = need(
      'unicode-test',
      allElements(taskArea(observation.tree), byRole('button')).find((e) => textOf(e) === label),
      `a button labelled "${label}"`,
    );
    return { thought: `I click the button labelled "${label}".`, action: act.click(button) };
  },
  wrong({ observation }) {
    const label = firstQuote('unicode-test', observation.utterance);
    const other = allElements(taskArea(observation.tree), byRole('button')).find((e) => textOf(e) !== label);
    // When every button carries the asked label no click is wrong: then the policy only spends steps.
    if (!other) {
      return {
        thought: 'Every button is the right one; I click the instruction instead.',
        action: act.click(queryBox('unicode-test', observation.tree)),
      };
    }
    return { thought: `I click "${textOf(other)}", not the button asked for.`, action: act.click(other) };
  },
};
