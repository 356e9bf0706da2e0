import { defineTask } from '../core/task.ts';
import { loremText } from './content.ts';
import { addDialog, DIALOG_CSS } from './dialog.ts';

/** A dialog box to close with its "x" button; there is no wrong answer, only running out of time. */
export const clickDialog = defineTask({
  name: 'click-dialog',
  description: 'Close the dialog box with its "x" button.',
  css: DIALOG_CSS,
  generate(ctx) {
    ctx.setUtterance('Close the dialog box by clicking the "x".');
    addDialog(ctx, {
      text: loremText(ctx.random, ctx.random.int(6, 14)),
      buttons: [],
      onButton: () => ctx.succeed(),
    });
  },
});
