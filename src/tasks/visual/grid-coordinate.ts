import { h } from '../core/dom.ts';
import { defineTask } from '../core/task.ts';
import { svg } from './svg.ts';

const SPAN = 2;
const STEP = 30;
const ORIGIN = 75;

/** Axis labels: text and where it sits over the 150x150 grid. */
const LABELS: readonly [string, number, number][] = [
  ['x', 140, 77],
  ['y', 69, 0],
  ['0', 68, 82],
  ...[-2, -1, 1, 2].map((n): [string, number, number] => [String(n), ORIGIN + n * STEP - 3, 82]),
  ...[-2, -1, 1, 2].map((n): [string, number, number] => [String(n), 67, ORIGIN - n * STEP - 3]),
];

/**
 * A Cartesian grid from -2 to 2 on both axes with a dot at every integer point: click the dot at
 * the coordinates asked for. Each dot's id names its coordinates, as on the official page.
 */
export const gridCoordinate = defineTask({
  name: 'grid-coordinate',
  description: 'Click the point of the grid at the coordinates asked for.',
  wave: 2,
  perception: 'visual',
  css: `
#area { position: relative; }
#area svg { height: 150px; width: 150px; margin: 2px; }
#area svg circle { cursor: pointer; }
.labels { position: absolute; font-size: 10px; font-weight: bold; }
`,
  generate(ctx) {
    const wanted = `(${ctx.random.int(-SPAN, SPAN)},${ctx.random.int(-SPAN, SPAN)})`;
    ctx.setUtterance(`Click on the grid coordinate ${wanted}.`);
    const grid = svg(
      ctx.doc,
      'svg',
      {},
      svg(ctx.doc, 'line', { x1: 0, x2: 150, y1: ORIGIN, y2: ORIGIN, stroke: 'black' }),
      svg(ctx.doc, 'line', { x1: ORIGIN, x2: ORIGIN, y1: 0, y2: 150, stroke: 'black' }),
    );
    for (let x = -SPAN; x <= SPAN; x++) {
      for (let y = -SPAN; y <= SPAN; y++) {
        const id = `(${x},${y})`;
        const dot = svg(ctx.doc, 'circle', {
          id,
          class: 'plot-point',
          cx: ORIGIN + x * STEP,
          cy: ORIGIN - y * STEP,
          r: 4,
          stroke: 'black',
          fill: 'blue',
        });
        dot.addEventListener('click', () => (id === wanted ? ctx.succeed() : ctx.fail(`clicked ${id}`)));
        grid.append(dot);
      }
    }
    ctx.area.append(
      grid,
      ...LABELS.map(([text, left, top]) =>
        h(ctx.doc, 'div', { class: 'labels', style: `left: ${left}px; top: ${top}px;` }, text),
      ),
    );
  },
});
