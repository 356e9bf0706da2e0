import { h } from '../core/dom.ts';
import type { Random } from '../../core/random.ts';
import type { TaskContext } from '../core/task.ts';
import { defineTask } from '../core/task.ts';
import { COLORS, FIRST_NAMES, LAST_NAMES } from '../core/words.ts';
import { COUNTRIES } from '../core/countries.ts';
import { GENDERS, LANGUAGES, RELIGIONS } from './words.ts';

/** The kinds of personal facts a table row can hold, each with a way to draw a value. */
const FACTS: [string, (random: Random) => string][] = [
  ['Color', (r) => r.pick(COLORS)],
  ['First name', (r) => r.pick(FIRST_NAMES)],
  ['Last name', (r) => r.pick(LAST_NAMES)],
  ['Country', (r) => r.pick(COUNTRIES)],
  ['Gender', (r) => r.pick(GENDERS)],
  ['Language', (r) => r.pick(LANGUAGES)],
  ['Year of Birth', (r) => String(r.int(1940, 2016))],
  ['Religion', (r) => r.pick(RELIGIONS)],
];
const ROWS = 5;

/** A two-column table of five distinct facts in div#tab; returns the rows as [key, value]. */
function buildTable(ctx: TaskContext): [string, string][] {
  const rows = ctx.random.sample(FACTS, ROWS).map(([key, draw]): [string, string] => [key, draw(ctx.random)]);
  const table = h(ctx.doc, 'table');
  for (const [key, value] of rows)
    table.append(h(ctx.doc, 'tr', {}, h(ctx.doc, 'td', {}, key), h(ctx.doc, 'td', {}, value)));
  ctx.area.append(h(ctx.doc, 'div', { id: 'tab' }, table));
  return rows;
}

const TABLE_CSS = `
table { border-collapse: collapse; width: 148px; margin: 5px; }
td, th { border: 1px solid #bbb; text-align: left; padding: 1px; }
tr:nth-child(even) { background-color: #ddd; }
`;

/** Read one fact from the table and type it into the text field. */
export const readTable = defineTask({
  name: 'read-table',
  description: 'Enter the value of the given key from the table into the text field.',
  css: `${TABLE_CSS}#form { margin-left: 5px; } #tt { width: 100px; }`,
  generate(ctx) {
    const rows = buildTable(ctx);
    const [key, value] = ctx.random.pick(rows);
    ctx.setUtterance(`Enter the value of ${key} into the text field and press Submit.`);
    const field = h(ctx.doc, 'input', { type: 'text', id: 'tt' });
    const submit = h(ctx.doc, 'button', { id: 'subbtn' }, 'Submit');
    submit.addEventListener('click', () =>
      field.value === value ? ctx.succeed() : ctx.fail(`entered "${field.value}"`),
    );
    ctx.area.append(h(ctx.doc, 'div', { id: 'form' }, field, submit));
  },
});

/** Two labelled fields name two keys of the table; fill in both values. */
export const readTable2 = defineTask({
  name: 'read-table-2',
  description: 'Enter the table values that match the two labels of the form.',
  maxTime: 20,
  css: `${TABLE_CSS}#form div { height: 18px; } #form label { float: left; } #form input { float: right; width: 80px; }`,
  generate(ctx) {
    const rows = buildTable(ctx);
    const asked = ctx.random.sample(rows, 2);
    ctx.setUtterance('Enter the value that corresponds with each label into the form and submit when done.');
    const form = h(ctx.doc, 'div', { id: 'form' });
    const fields = asked.map(([key], i) => {
      const field = h(ctx.doc, 'input', { type: 'text', id: `tt${i + 1}` });
      form.append(h(ctx.doc, 'div', {}, h(ctx.doc, 'label', { id: `ll${i + 1}` }, `${key}:`), field));
      return field;
    });
    const submit = h(ctx.doc, 'button', { id: 'subbtn' }, 'Submit');
    submit.addEventListener('click', () => {
      const correct = asked.every(([, value], i) => fields[i]?.value === value);
      if (correct) ctx.succeed();
      else ctx.fail('a field does not hold its table value');
    });
    form.append(submit);
    ctx.area.append(form);
  },
});
