import { ExpertConfusedError, type Expert } from '../expert.ts';
import type { Observation } from '../../env/env.ts';
import type { ObsElement } from '../../env/observation.ts';
import { act, allElements, firstElement, need, taskArea, textOf } from '../find.ts';
import { hoverOrWait, shownMenuItems } from './menu.ts';

const TASK = 'click-menu-2';

/** The icon classes an element shows (`ui-icon-play`), leaving out a submenu's caret. */
const iconClasses = (e: ObsElement): string[] =>
  (e.attributes.class ?? '')
    .split(/\s+/)
    .filter((c) => c.startsWith('ui-icon-') && !c.startsWith('ui-icon-caret'));

/**
 * Whether a menu item is the one asked for: by its label, or by its icon. The icon is named in
 * quotes (`with the "ui-icon-play" icon`), or shown, as on the official page, by an icon element in
 * the query box, the utterance then reading "with the icon".
 */
function matcher(observation: Observation): (item: ObsElement) => boolean {
  const { utterance, tree } = observation;
  const label = /item labeled "(.+)"\.$/.exec(utterance)?.[1];
  if (label) return (item) => textOf(item) === label;
  let icon = /item with the "(.+)" icon\.$/.exec(utterance)?.[1];
  if (!icon && /item with the icon\.$/.test(utterance)) {
    const query = firstElement(tree, (e) => e.attributes.id === 'query');
    icon = query ? allElements(query).flatMap(iconClasses)[0] : undefined;
  }
  if (icon === undefined) {
    throw new ExpertConfusedError(TASK, `cannot tell which item "${utterance}" asks for`);
  }
  const wantedIcon = icon;
  return (item) => allElements(item).some((e) => iconClasses(e).includes(wantedIcon));
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
  solve({ observation, history }) {
    const shown = shownMenuItems(observation.tree);
    if (shown.length === 0) {
      return {
        thought: 'The menu is closed; I click the "Menu" button.',
        action: act.click(menuButton(observation.tree)),
      };
    }
    const wanted = shown.find((s) => s.submenu === 'none' && matcher(observation)(s.item));
    if (wanted) {
      return {
        thought: `I click ${textOf(wanted.item)}, the item asked for.`,
        action: act.click(wanted.item),
      };
    }
    const closed = need(
      TASK,
      shown.find((s) => s.submenu === 'closed')?.item,
      'the item asked for, or a submenu that may hold it',
    );
    return hoverOrWait(history, closed, `The item is not shown; I open the ${textOf(closed)} submenu.`);
  },
  wrong({ observation }) {
    const shown = shownMenuItems(observation.tree);
    if (shown.length === 0) {
      return { thought: 'I open the menu.', action: act.click(menuButton(observation.tree)) };
    }
    const isWanted = matcher(observation);
    const other = need(
      TASK,
      shown.find((s) => s.submenu === 'none' && !isWanted(s.item))?.item,
      'another menu item',
    );
    return { thought: `I click ${textOf(other)}, not the item asked for.`, action: act.click(other) };
  },
};
