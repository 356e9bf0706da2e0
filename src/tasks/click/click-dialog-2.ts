import { defineTask } from '../core/task.ts';
import { loremText } from './content.ts';
import { addDialog, DIALOG_CSS } from './dialog.ts';

const LABELS = ['x', 'OK', 'Cancel'];

/** A dialog box with "OK", "Cancel" and its close "x": click the one named; another fails. */
export const clickDialog2 = defineTask({
  name: 'click-dialog-2',
  description: 'Click the named button of a dialog box.',
  css: DIALOG_CSS,
  generate(ctx) {
    const target = ctx.random.pick(LABELS);
    ctx.setUtterance(`Click the button in the dialog box labeled "${target}".`);
    addDialog(ctx, {
      text: loremText(ctx.random, ctx.random.int(6, 14)),
      buttons: ctx.random.shuffle(['OK', 'Cancel']),
      onButton: (label) => (label === target ? ctx.succeed() : ctx.fail(`clicked "${label}"`)),
    });
  },
});
