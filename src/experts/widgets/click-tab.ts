import type { Expert } from '../expert.ts';
import { act, allElements, byRole, need, taskArea, textOf } from '../find.ts';
import { tabTarget } from './find-widgets.ts';

export const clickTabExpert: Expert = {
  task: 'click-tab',
  solve({ observation }) {
    const label = /Tab #\d+/.exec(observation.utterance)?.[0] ?? '';
    const tabs = allElements(taskArea(observation.tree), byRole('tab'));
    const tab = need(
      'click-tab',
      tabs.find((t) => textOf(t) === label),
      `the tab "${label}"`,
    );
    return {
      thought: `The instruction asks for ${label}; I click that tab.`,
      action: act.click(tabTarget(tab)),
    };
  },
  wrong({ observation }) {
    const label = /Tab #\d+/.exec(observation.utterance)?.[0] ?? '';
    const tabs = allElements(taskArea(observation.tree), byRole('tab'));
    const other = need(
      'click-tab',
      tabs.find((t) => textOf(t) !== label),
      'another tab',
    );
    return {
      thought: `I click ${textOf(other)}, not the tab asked for.`,
      action: act.click(tabTarget(other)),
    };
  },
};
