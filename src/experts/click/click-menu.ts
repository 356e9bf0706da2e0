import type { ObsElement } from '../../env/observation.ts';
import type { Expert } from '../expert.ts';
import { act, need, textOf } from '../find.ts';
import { waitStep } from '../widgets/find-widgets.ts';
import { isExpanded, isParent, shownMenuItems } from './menu.ts';
import { utterancePart } from './utterance.ts';

const TASK = 'click-menu';
const path = (utterance: string): string[] => utterancePart(TASK, utterance, /^Select (.+)$/).split('>');

export const clickMenuExpert: Expert = {
  task: TASK,
  solve({ observation, history }) {
    const labels = path(observation.utterance);
    const shown = shownMenuItems(observation.tree).map((s) => s.item);
    const find = (label: string): ObsElement =>
      need(
        TASK,
        shown.find((e) => textOf(e) === label),
        `the menu item ${label}`,
      );
    // Walk the path: the first step whose next item is still hidden is the submenu to open.
    for (const [i, label] of labels.slice(0, -1).entries()) {
      const next = labels[i + 1] as string;
      if (!shown.some((e) => textOf(e) === next)) {
        const hover = act.hover(find(label));
        // A menu may open its submenu only a moment after the pointer arrives (jQuery UI waits
        // 300 ms, as on the official page): hovering again would restart that wait, so I wait instead.
        const lastMove = history.findLast((a) => !a.startsWith('noop('));
        if (lastMove === hover) {
          return waitStep(history, `${label} is hovered but its submenu is not open yet; I wait for it.`);
        }
        return { thought: `I hover ${label} to open its submenu, where ${next} is.`, action: hover };
      }
    }
    const leaf = labels.at(-1) as string;
    return { thought: `I select ${leaf}.`, action: act.click(find(leaf)) };
  },
  wrong({ observation }) {
    const leaf = path(observation.utterance).at(-1);
    const shown = shownMenuItems(observation.tree);
    const other = shown.find((s) => !isParent(s.item) && textOf(s.item) !== leaf);
    if (other) {
      return { thought: `I select ${textOf(other.item)}, not ${leaf}.`, action: act.click(other.item) };
    }
    // The deepest closed submenu: opening it never closes the one just opened, so this ends.
    const closed = shown.filter((s) => isParent(s.item) && !isExpanded(s.item));
    const deepest = need(TASK, closed.sort((x, y) => y.depth - x.depth)[0]?.item, 'a closed submenu');
    return { thought: `I open ${textOf(deepest)} to find another item.`, action: act.hover(deepest) };
  },
};
