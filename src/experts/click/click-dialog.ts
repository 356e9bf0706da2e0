import type { Expert } from '../expert.ts';
import { act, firstElement, need } from '../find.ts';
import { buttonLabel, dialogButtons } from './dialog.ts';

export const clickDialogExpert: Expert = {
  task: 'click-dialog',
  solve({ observation }) {
    const close = need(
      'click-dialog',
      dialogButtons('click-dialog', observation.tree).find((b) => buttonLabel(b) === 'x'),
      'the close button "x" of the dialog',
    );
    return { thought: 'I close the dialog with its "x" button.', action: act.click(close) };
  },
  wrong({ observation }) {
    // Nothing on the page fails: leave the dialog open until the steps run out.
    const query = need(
      'click-dialog',
      firstElement(observation.tree, (e) => e.attributes.id === 'query'),
      'the query box',
    );
    return { thought: 'I click the instruction instead of closing the dialog.', action: act.click(query) };
  },
};
