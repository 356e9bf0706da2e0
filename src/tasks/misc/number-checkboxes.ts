import { h } from '../core/dom.ts';
import { defineTask, type TaskContext } from '../core/task.ts';

const ROWS = 7;
const COLUMNS = 4;

/**
 * Digits in a 3x5 pixel font ('#' on), drawn here for this page; each sits in the 7x4 grid one row
 * down and one column in, so no digit needs more than 13 boxes ticked.
 */
// prettier-ignore
const DIGITS: readonly string[][] = [
  ['###', '#.#', '#.#', '#.#', '###'],
  ['.#.', '##.', '.#.', '.#.', '###'],
  ['###', '..#', '###', '#..', '###'],
  ['###', '..#', '.##', '..#', '###'],
  ['#.#', '#.#', '###', '..#', '..#'],
  ['###', '#..', '###', '..#', '###'],
  ['###', '#..', '###', '#.#', '###'],
  ['###', '..#', '.#.', '.#.', '.#.'],
  ['###', '#.#', '###', '#.#', '###'],
  ['###', '#.#', '###', '..#', '###'],
];

/** Whether the box at (row, column) of the 7x4 grid is ticked in the digit's drawing. */
function isOn(digit: number, row: number, column: number): boolean {
  return DIGITS[digit]?.[row - 1]?.[column - 1] === '#';
}

function grid(ctx: TaskContext, box: (row: number, column: number) => HTMLInputElement): HTMLElement[] {
  const rows: HTMLElement[] = [];
  for (let row = 0; row < ROWS; row++) {
    const boxes = Array.from({ length: COLUMNS }, (_, column) => box(row, column));
    rows.push(h(ctx.doc, 'p', {}, ...boxes));
  }
  return rows;
}

/**
 * A 7x4 grid of checkboxes to draw a digit in, beside an example of that digit drawn in disabled
 * checkboxes. Submit gives +1 when every box of the grid matches the example, -1 otherwise.
 */
export const numberCheckboxes = defineTask({
  name: 'number-checkboxes',
  description: 'Draw a digit in a grid of checkboxes, following the example beside it.',
  wave: 2,
  perception: 'visual',
  maxTime: 30,
  // Up to 13 boxes to tick, then Submit.
  maxSteps: 16,
  css: `
#checkboxes { padding: 5px 0 0 10px; width: 75px; }
#area p { margin: 1px; height: 15px; }
#area p input { margin: 1px 2px; }
#area aside { float: right; width: 72px; }
#subbtn { margin: 2px 12px; }
`,
  generate(ctx) {
    const digit = ctx.random.int(0, 9);
    ctx.setUtterance(
      `Draw the number "${digit}" in the checkboxes using the example on the right and press Submit when finished.`,
    );
    const doc = ctx.doc;
    const drawn: HTMLInputElement[] = [];
    const drawing = grid(ctx, () => {
      const box = h(doc, 'input', { type: 'checkbox' });
      drawn.push(box);
      return box;
    });
    const example = grid(ctx, (row, column) =>
      h(doc, 'input', { type: 'checkbox', disabled: true, checked: isOn(digit, row, column) }),
    );
    const submit = h(doc, 'button', { id: 'subbtn', class: 'secondary-action' }, 'Submit');
    submit.addEventListener('click', () => {
      const wrong = drawn.filter(
        (box, i) => box.checked !== isOn(digit, Math.floor(i / COLUMNS), i % COLUMNS),
      );
      if (wrong.length === 0) ctx.succeed();
      else ctx.fail(`${wrong.length} boxes differ from the example`);
    });
    ctx.area.append(
      h(doc, 'aside', {}, h(doc, 'div', { id: `o${digit}`, class: 'example' }, ...example)),
      h(doc, 'div', { id: 'checkboxes' }, ...drawing),
      submit,
    );
  },
});
