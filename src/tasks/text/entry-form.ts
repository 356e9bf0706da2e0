import { h } from '../core/dom.ts';
import type { TaskContext } from '../core/task.ts';

export interface EntryFormOptions {
  /** The input's type: text, date or time, as on the official page. */
  type?: string;
  /** The exact value Submit accepts. */
  expected: string;
  /** Range of the random left and top margins of the form, in px (the official pages nudge it around). */
  margin?: [number, number];
}

/**
 * The form most MiniWoB++ entry tasks share: one input (#tt) and a Submit button (#subbtn) in #form.
 * Submit gives +1 when the input holds exactly the expected value, -1 otherwise.
 */
export function entryForm(ctx: TaskContext, options: EntryFormOptions): HTMLElement {
  const [low, high] = options.margin ?? [0, 20];
  const input = h(ctx.doc, 'input', { type: options.type ?? 'text', id: 'tt' });
  const submit = h(
    ctx.doc,
    'button',
    { id: 'subbtn', class: 'secondary-action', style: `margin-top:${ctx.random.int(0, 20)}px` },
    'Submit',
  );
  submit.addEventListener('click', () =>
    input.value === options.expected ? ctx.succeed() : ctx.fail(`entered "${input.value}"`),
  );
  const style = `margin-left:${ctx.random.int(low, high)}px;margin-top:${ctx.random.int(low, high)}px`;
  return h(ctx.doc, 'div', { id: 'form', style }, input, ' ', submit);
}
