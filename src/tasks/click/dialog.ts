import { h, setVisible } from '../core/dom.ts';
import type { TaskContext } from '../core/task.ts';

/**
 * A dialog box shaped like jQuery UI's (the official pages use it): a title bar with a close
 * button "x" (title "Close"), the text, and an optional row of buttons. Each button reports its
 * label ("x" for the close button) and the dialog closes.
 */
export function addDialog(
  ctx: TaskContext,
  options: { text: string; buttons: readonly string[]; onButton(label: string): void },
): void {
  const close = h(
    ctx.doc,
    'button',
    { type: 'button', class: 'ui-button ui-dialog-titlebar-close', title: 'Close' },
    'x',
  );
  const titlebar = h(
    ctx.doc,
    'div',
    { class: 'ui-dialog-titlebar' },
    h(ctx.doc, 'span', { class: 'ui-dialog-title' }),
    close,
  );
  const content = h(ctx.doc, 'div', { id: 'dialog', class: 'ui-dialog-content' }, options.text);
  const style = `position:absolute; left:${ctx.random.int(0, 30)}px; top:${ctx.random.int(0, 40)}px`;
  const dialog = h(
    ctx.doc,
    'div',
    { class: 'ui-dialog', role: 'dialog', 'aria-describedby': 'dialog', style },
    titlebar,
    content,
  );
  const press = (label: string): void => {
    setVisible(dialog, false);
    options.onButton(label);
  };
  close.addEventListener('click', () => press('x'));
  if (options.buttons.length > 0) {
    const buttons = options.buttons.map((label) => {
      const button = h(ctx.doc, 'button', { type: 'button', class: 'ui-button' }, label);
      button.addEventListener('click', () => press(label));
      return button;
    });
    dialog.append(
      h(
        ctx.doc,
        'div',
        { class: 'ui-dialog-buttonpane' },
        h(ctx.doc, 'div', { class: 'ui-dialog-buttonset' }, ...buttons),
      ),
    );
  }
  ctx.area.append(dialog);
}

export const DIALOG_CSS = `
.ui-dialog { width: 120px; background: #fff; border: 1px solid #aaa; border-radius: 3px; padding: 2px; font-size: 11px; }
.ui-dialog-titlebar { background: #e9e9e9; border: 1px solid #ddd; height: 16px; position: relative; }
.ui-dialog-titlebar-close { position: absolute; right: 1px; top: 0; width: 18px; height: 16px; padding: 0; }
.ui-dialog-content { padding: 4px; }
.ui-dialog-buttonpane { text-align: right; border-top: 1px solid #ddd; }
`;
