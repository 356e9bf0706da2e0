import type { ObsElement } from '../../env/observation.ts';
import type { Expert } from '../expert.ts';
import { act, need, textOf } from '../find.ts';
import { hoverOrWait, shownMenuItems } from './menu.ts';
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
        return hoverOrWait(history, find(label), `I hover ${label} to open its submenu, where ${next} is.`);
      }
    }
    const leaf = labels.at(-1) as string;
    return { thought: `I select ${leaf}.`, action: act.click(find(leaf)) };
  },
  wrong({ observation, history }) {
    const leaf = path(observation.utterance).at(-1);
    const shown = shownMenuItems(observation.tree);
    const other = shown.find((s) => s.submenu === 'none' && textOf(s.item) !== leaf);
    if (other) {
      return { thought: `I select ${textOf(other.item)}, not ${leaf}.`, action: act.click(other.item) };
    }
    // The deepest closed submenu: opening it never closes the one just opened, so this ends.
    const closed = shown.filter((s) => s.submenu === 'closed');
    const deepest = need(TASK, closed.sort((x, y) => y.depth - x.depth)[0]?.item, 'a closed submenu');
    return hoverOrWait(history, deepest, `I open ${textOf(deepest)} to find another item.`);
  },
};
