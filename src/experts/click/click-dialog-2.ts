import type { Expert } from '../expert.ts';
import { act, need, quoted } from '../find.ts';
import { buttonLabel, dialogButtons } from './dialog.ts';

export const clickDialog2Expert: Expert = {
  task: 'click-dialog-2',
  solve({ observation }) {
    const [target = ''] = quoted(observation.utterance);
    const wanted = need(
      'click-dialog-2',
      dialogButtons('click-dialog-2', observation.tree).find((b) => buttonLabel(b) === target),
      `the dialog button "${target}"`,
    );
    return { thought: `I click the dialog's "${target}" button.`, action: act.click(wanted) };
  },
  wrong({ observation }) {
    const [target = ''] = quoted(observation.utterance);
    const other = need(
      'click-dialog-2',
      dialogButtons('click-dialog-2', observation.tree).find((b) => buttonLabel(b) !== target),
      'another dialog button',
    );
    return { thought: `I click "${buttonLabel(other)}" instead of "${target}".`, action: act.click(other) };
  },
};
