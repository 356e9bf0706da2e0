import type { Expert } from '../expert.ts';
import type { ObsElement } from '../../env/observation.ts';
import { act, allElements, firstElement, need, taskArea, textOf } from '../find.ts';
import { isExpanded, isParent, shownMenuItems } from './menu.ts';

const TASK = 'click-menu-2';

/** Whether a menu item is the one asked for: by its label, or by the icon class it shows. */
function matcher(utterance: string): (item: ObsElement) => boolean {
  const label = /item labeled "(.+)"\.$/.exec(utterance)?.[1];
  if (label) return (item) => textOf(item) === label;
  const icon = /item with the "(.+)" icon\.$/.exec(utterance)?.[1];
  if (icon) {
    return (item) =>
      allElements(item, (e) => (e.attributes.class ?? '').split(' ').includes(icon)).length > 0;
  }
  return () => false;
}

function menuButton(tree: ObsElement): ObsElement {
  return need(
    TASK,
    firstElement(taskArea(tree), (e) => e.role === 'button' && textOf(e) === 'Menu'),
    'the "Menu" button',
  );
}

export const clickMenu2Expert: Expert = {
  task: TASK,
  solve({ observation }) {
    const shown = shownMenuItems(observation.tree).map((s) => s.item);
    if (shown.length === 0) {
      return {
        thought: 'The menu is closed; I click the "Menu" button.',
        action: act.click(menuButton(observation.tree)),
      };
    }
    const wanted = shown.find(matcher(observation.utterance));
    if (wanted)
      return { thought: `I click ${textOf(wanted)}, the item asked for.`, action: act.click(wanted) };
    const closed = need(
      TASK,
      shown.find((e) => isParent(e) && !isExpanded(e)),
      'the item asked for, or a submenu that may hold it',
    );
    return {
      thought: `The item is not shown; I open the ${textOf(closed)} submenu.`,
      action: act.hover(closed),
    };
  },
  wrong({ observation }) {
    const shown = shownMenuItems(observation.tree).map((s) => s.item);
    if (shown.length === 0) {
      return { thought: 'I open the menu.', action: act.click(menuButton(observation.tree)) };
    }
    const isWanted = matcher(observation.utterance);
    const other = need(
      TASK,
      shown.find((e) => !isParent(e) && !isWanted(e)),
      'another menu item',
    );
    return { thought: `I click ${textOf(other)}, not the item asked for.`, action: act.click(other) };
  },
};
