import type { Expert } from '../expert.ts';
import { act, allElements, need, quoted, taskArea } from '../find.ts';
import type { ObsElement } from '../../env/observation.ts';

/** The widget kind an instruction names: button, checkbox, radio, text or textarea. */
function kindOf(e: ObsElement): string | null {
  if (e.tag === 'button' || e.tag === 'textarea') return e.tag;
  if (e.tag !== 'input') return null;
  const type = e.attributes.type ?? 'text';
  return ['checkbox', 'radio', 'text'].includes(type) ? type : null;
}

const widgets = (tree: ObsElement): ObsElement[] => allElements(taskArea(tree), (e) => kindOf(e) !== null);

export const clickWidgetExpert: Expert = {
  task: 'click-widget',
  solve({ observation }) {
    const [kind = ''] = quoted(observation.utterance);
    const widget = need(
      'click-widget',
      widgets(observation.tree).find((e) => kindOf(e) === kind),
      `a "${kind}" widget`,
    );
    return { thought: `I click the ${kind} widget.`, action: act.click(widget) };
  },
  wrong({ observation }) {
    const [kind = ''] = quoted(observation.utterance);
    const other = need(
      'click-widget',
      widgets(observation.tree).find((e) => kindOf(e) !== kind),
      'a widget of another kind',
    );
    return { thought: `I click a ${kindOf(other)} widget, not a ${kind}.`, action: act.click(other) };
  },
};
