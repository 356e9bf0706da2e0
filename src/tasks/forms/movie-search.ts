import { h } from '../core/dom.ts';
import type { TaskContext } from '../core/task.ts';
import { defineTask } from '../core/task.ts';
import { LAST_NAMES } from '../core/words.ts';
import { MOVIE_GENRES } from './words.ts';

/**
 * A movie search form (genre, director, year) to fill from the instruction. multi-layouts draws one
 * of five layouts, each with its own labels, row markup and submit control; multi-orderings keeps the
 * table layout and only shuffles its rows.
 */
type Field = 'genre' | 'director' | 'year';
type Inputs = Record<Field, HTMLInputElement>;

interface Layout {
  labels: Record<Field, string>;
  /** Builds the rows in `order` and a submit control that calls `submit`. */
  build(ctx: TaskContext, inputs: Inputs, order: Field[], submit: () => void): void;
}

const clickable = <T extends HTMLElement>(element: T, onClick: () => void): T => {
  element.addEventListener('click', onClick);
  return element;
};

const paragraphs: Layout = {
  labels: { genre: 'Genre:', director: 'Director:', year: 'Year:' },
  build(ctx, inputs, order, submit) {
    for (const f of order)
      ctx.area.append(h(ctx.doc, 'p', {}, h(ctx.doc, 'span', {}, this.labels[f]), inputs[f]));
    ctx.area.append(clickable(h(ctx.doc, 'button', { type: 'button' }, 'Submit'), submit));
  },
};

const rows: Layout = {
  labels: { genre: 'Genre', director: 'Director Name', year: 'Year' },
  build(ctx, inputs, order, submit) {
    for (const f of order)
      ctx.area.append(h(ctx.doc, 'div', { class: 'row' }, h(ctx.doc, 'div', {}, this.labels[f]), inputs[f]));
    const button = clickable(h(ctx.doc, 'button', { type: 'button' }, 'Search'), submit);
    ctx.area.append(h(ctx.doc, 'div', { class: 'submit-row' }, button));
  },
};

const table: Layout = {
  labels: { genre: 'Genre', director: 'Director', year: 'Year' },
  build(ctx, inputs, order, submit) {
    const grid = h(ctx.doc, 'table');
    for (const f of order)
      grid.append(
        h(ctx.doc, 'tr', {}, h(ctx.doc, 'th', {}, this.labels[f]), h(ctx.doc, 'td', {}, inputs[f])),
      );
    ctx.area.append(
      h(ctx.doc, 'div', { class: 'title-div' }, 'Movie Search'),
      grid,
      clickable(h(ctx.doc, 'div', { class: 'final' }, 'Submit'), submit),
    );
  },
};

const fields: Layout = {
  labels: { genre: 'Movie Genre', director: 'Director Name', year: 'Released Date' },
  build(ctx, inputs, order, submit) {
    for (const f of order) {
      const label = h(ctx.doc, 'div', { class: 'label' }, this.labels[f]);
      ctx.area.append(
        h(ctx.doc, 'div', { class: 'field' }, label, h(ctx.doc, 'div', { class: 'input' }, inputs[f])),
      );
    }
    const button = clickable(h(ctx.doc, 'button', { type: 'button' }, 'Go!'), submit);
    ctx.area.append(h(ctx.doc, 'div', { class: 'submit-row' }, button));
  },
};

const darkCard: Layout = {
  labels: { genre: 'Genre', director: 'Director', year: 'Year' },
  build(ctx, inputs, order, submit) {
    const wrap = h(ctx.doc, 'div', { class: 'ui-entry-wrap' });
    for (const f of order)
      wrap.append(
        h(
          ctx.doc,
          'div',
          { class: 'ui-entry' },
          inputs[f],
          h(ctx.doc, 'div', { class: 'ui-label' }, this.labels[f]),
        ),
      );
    const button = clickable(h(ctx.doc, 'div', { class: 'ui-submit' }, 'Search'), submit);
    ctx.area.append(wrap, h(ctx.doc, 'div', { class: 'ui-footer' }, button));
  },
};

const LAYOUTS = [paragraphs, rows, table, fields, darkCard];

const CSS = `
#area.layout-1 span { width: 50px; display: inline-block; margin-left: 10px; }
#area.layout-1 input[type=text] { width: 80px; }
#area.layout-2 div.row { margin: 5px; }
#area.layout-2 div.row div { font-weight: bold; }
#area.layout-2 div.row input[type=text] { width: 140px; }
#area .submit-row, #area .ui-footer { text-align: center; }
#area .title-div { text-align: center; font-weight: bold; margin-top: 10px; font-size: 120%; }
#area table { margin: 5px auto; }
#area th { text-align: right; }
#area.layout-3 input[type=text] { width: 90px; }
#area .final { padding: 2px; border: 1px solid gray; margin: 2px auto; width: 50px; text-align: center; background: #fed; cursor: pointer; }
#area div.field { background-color: #ddd; margin: 2px; padding: 3px 8px; border-radius: 3px; }
#area.layout-4 input[type=text] { width: 98%; }
#area .ui-entry-wrap { width: 140px; margin: 3px auto; padding: 2px 5px; background-color: #333; border-radius: 5px; }
#area .ui-entry { margin: 8px auto; }
#area .ui-entry input[type=text] { padding: 0; margin: 0; width: 95%; }
#area .ui-label { font-weight: bold; color: white; }
#area .ui-submit { display: inline-block; border: 1px solid gray; background-color: #bbb; border-radius: 3px; padding: 3px; width: 50px; text-align: center; cursor: pointer; }
`;

function movieSearch(ctx: TaskContext, layoutIndex: number): void {
  const genre = ctx.random.pick(MOVIE_GENRES).toLowerCase();
  const director = ctx.random.pick(LAST_NAMES);
  const year = String(ctx.random.int(1970, 2018));
  ctx.setUtterance(`Search for ${genre} movies directed by ${director} from year ${year}.`);

  const input = (): HTMLInputElement => h(ctx.doc, 'input', { type: 'text' });
  const inputs: Inputs = { genre: input(), director: input(), year: input() };
  const order = ctx.random.shuffle<Field>(['genre', 'director', 'year']);
  const submit = (): void => {
    const matches =
      inputs.genre.value.trim().toLowerCase() === genre &&
      inputs.director.value.trim().toLowerCase() === director.toLowerCase() &&
      inputs.year.value === year;
    if (matches) ctx.succeed();
    else ctx.fail('the search fields do not match the instruction');
  };
  ctx.area.classList.add(`layout-${layoutIndex + 1}`);
  (LAYOUTS[layoutIndex] as Layout).build(ctx, inputs, order, submit);
}

export const multiLayouts = defineTask({
  name: 'multi-layouts',
  description: 'Fill in a movie search form drawn in one of several layouts.',
  maxTime: 20,
  css: CSS,
  generate: (ctx) => movieSearch(ctx, ctx.random.int(0, LAYOUTS.length - 1)),
});

export const multiOrderings = defineTask({
  name: 'multi-orderings',
  description: 'Fill in a movie search form whose rows come in a random order.',
  maxTime: 20,
  css: CSS,
  generate: (ctx) => movieSearch(ctx, LAYOUTS.indexOf(table)),
});
