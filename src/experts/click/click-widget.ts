import type { Expert } from '../expert.ts';
import { act, allElements, need, quoted, taskArea } from '../find.ts';
import type { ObsElement } from '../../env/observation.ts';

/**
 * The widget kind an instruction names, read as a person sees the control: a textarea, a button, a
 * checkbox, a radio, or a one-line text box. The box is told by its role, not its type attribute:
 * the official page writes `<input type="input">`, which a browser shows as a text box.
 */
function kindOf(e: ObsElement): string | null {
  if (e.tag === 'textarea') return 'textarea';
  if (e.tag === 'button') return 'button';
  if (e.tag !== 'input') return null;
  if (e.role === 'checkbox' || e.role === 'radio') return e.role;
  return e.role === 'textbox' ? 'text' : null;
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
      `a widget that is not a "${kind}" (every widget on the page is one)`,
    );
    return { thought: `I click a ${kindOf(other)} widget, not a ${kind}.`, action: act.click(other) };
  },
};
