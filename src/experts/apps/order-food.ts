import type { StepView } from '../../env/episode.ts';
import type { ObsElement } from '../../env/observation.ts';
import { ExpertConfusedError, type Expert } from '../expert.ts';
import { act, allElements, byClass, byRole, byText, firstElement, need, taskArea, textOf } from '../find.ts';

const TASK = 'order-food';

interface Row {
  name: string;
  types: string[];
  quantity: number;
  add: ObsElement;
}

function menuRows(tree: ObsElement): Row[] {
  return allElements(taskArea(tree), byClass('menu-item')).map((row) => {
    const name = textOf(need(TASK, firstElement(row, byClass('item-name')), 'a dish name'));
    const tags = firstElement(row, byClass('item-tags'));
    return {
      name,
      types: tags ? textOf(tags).split(/,\s*/).filter(Boolean) : [],
      quantity: Number(textOf(need(TASK, firstElement(row, byClass('quantity')), `the quantity of ${name}`))),
      add: need(TASK, allElements(row, byRole('button')).find(byText('+')), `the + button of ${name}`),
    };
  });
}

const placeOrder = (tree: ObsElement): string =>
  act.click(
    need(TASK, allElements(taskArea(tree), byRole('button')).find(byText('Place order')), 'Place order'),
  );

/**
 * Adds one of each named dish, or adds the first dish of the kind asked until the count is
 * reached, then places the order. The wrong policy places an empty order.
 */
function step({ observation }: StepView, solve: boolean): { thought: string; action: string } {
  const tree = observation.tree;
  if (!solve) return { thought: 'I place the order as it is.', action: placeOrder(tree) };
  const rows = menuRows(tree);
  const pair = /^Order one of each item: (.+)\.$/.exec(observation.utterance);
  const kind = /^Order (\d+) items that are (.+)\.$/.exec(observation.utterance);
  if (pair) {
    // A dish's name may hold "and": the split is the one whose both halves are on the menu.
    const named = pair[1]!
      .split(' and ')
      .map((_, i, parts) => [parts.slice(0, i).join(' and '), parts.slice(i).join(' and ')])
      .map((names) => names.map((name) => rows.find((r) => r.name === name)))
      .find((found): found is Row[] => found.every((row) => row !== undefined));
    if (!named) throw new ExpertConfusedError(TASK, `cannot find the dishes "${pair[1]}" on the menu`);
    for (const row of named) {
      if (row.quantity < 1) return { thought: `I add one ${row.name}.`, action: act.click(row.add) };
    }
    return { thought: 'Both dishes are in the order; I place it.', action: placeOrder(tree) };
  }
  if (kind) {
    const count = Number(kind[1]);
    const row = rows.find((r) => r.types.includes(kind[2]!));
    if (!row) throw new ExpertConfusedError(TASK, `no dish on the menu is ${kind[2]}`);
    const ordered = rows.reduce((sum, r) => sum + r.quantity, 0);
    if (ordered < count)
      return { thought: `${row.name} is ${kind[2]}; I add one.`, action: act.click(row.add) };
    return { thought: `${count} ${kind[2]} items are in the order; I place it.`, action: placeOrder(tree) };
  }
  throw new ExpertConfusedError(TASK, `cannot read the instruction "${observation.utterance}"`);
}

export const orderFoodExpert: Expert = {
  task: TASK,
  solve: (view) => step(view, true),
  wrong: (view) => step(view, false),
};
