import { defineTask, type RegisteredTask } from '../core/task.ts';
import { svg } from './svg.ts';

const CHARACTERS = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'];
const CENTRE = 75;
const INNER = 22;
const OUTER = 74;

/** A ring slice from angle a to b (radians, clockwise from the top) as an SVG path. */
function slicePath(a: number, b: number): string {
  const at = (r: number, t: number): string =>
    `${(CENTRE + r * Math.sin(t)).toFixed(1)},${(CENTRE - r * Math.cos(t)).toFixed(1)}`;
  const large = b - a > Math.PI ? 1 : 0;
  return (
    `M${at(INNER, a)} L${at(OUTER, a)} A${OUTER},${OUTER} 0 ${large} 1 ${at(OUTER, b)} ` +
    `L${at(INNER, b)} A${INNER},${INNER} 0 ${large} 0 ${at(INNER, a)} Z`
  );
}

/**
 * A pie menu: a round button in the middle opens a ring of 4 to 8 labelled slices (with the
 * official page's animation, or at once in the nodelay variant). Clicking the slice labelled as
 * asked succeeds, any other slice fails.
 */
function clickPieTask(name: string, openDelayMs: number): RegisteredTask {
  return defineTask({
    name,
    description: 'Open the pie menu and click the item with the label asked for.',
    wave: 2,
    perception: 'text',
    css: `
#pie { width: 150px; height: 150px; margin: auto; }
#pie svg { width: 100%; height: 100%; }
.pie-slice { fill: #497f4c; cursor: pointer; }
.pie-item:hover .pie-slice { fill-opacity: 0.77; }
.pie-title { fill: #fff; font-size: 14px; cursor: pointer; }
.pie-spreader circle { fill: #444; cursor: pointer; }
.pie-spreader text { fill: #eee; font-size: 16px; cursor: pointer; }
`,
    generate(ctx) {
      const labels = ctx.random.sample(CHARACTERS, ctx.random.int(4, 8));
      const wanted = ctx.random.pick(labels);
      ctx.setUtterance(`Expand the pie menu below and click on the item labeled "${wanted}".`);
      const sweep = (2 * Math.PI) / labels.length;
      const items = labels.map((label, i) => {
        const middle = (i + 0.5) * sweep;
        const radius = (INNER + OUTER) / 2;
        const item = svg(
          ctx.doc,
          'g',
          { class: 'pie-item', style: 'display: none' },
          svg(ctx.doc, 'path', { class: 'pie-slice', d: slicePath(i * sweep, (i + 1) * sweep) }),
          svg(
            ctx.doc,
            'text',
            {
              class: 'pie-title',
              x: (CENTRE + radius * Math.sin(middle)).toFixed(1),
              y: (CENTRE - radius * Math.cos(middle)).toFixed(1),
              'text-anchor': 'middle',
              'dominant-baseline': 'central',
            },
            label,
          ),
        );
        item.addEventListener('click', () =>
          label === wanted ? ctx.succeed() : ctx.fail(`clicked "${label}"`),
        );
        return item;
      });
      const sign = svg(
        ctx.doc,
        'text',
        { x: CENTRE, y: CENTRE, 'text-anchor': 'middle', 'dominant-baseline': 'central' },
        '+',
      );
      const spreader = svg(
        ctx.doc,
        'g',
        { class: 'pie-spreader' },
        svg(ctx.doc, 'circle', { cx: CENTRE, cy: CENTRE, r: INNER - 4 }),
        sign,
      );
      let open = false;
      spreader.addEventListener('click', () => {
        open = !open;
        sign.textContent = open ? '−' : '+';
        const show = (): void =>
          items.forEach((item) => item.style.setProperty('display', open ? '' : 'none'));
        if (open && openDelayMs > 0) ctx.setTimeout(show, openDelayMs);
        else show();
      });
      const pie = svg(ctx.doc, 'svg', { viewBox: '0 0 150 150' }, ...items, spreader);
      const holder = ctx.doc.createElement('div');
      holder.id = 'pie';
      holder.append(pie);
      ctx.area.append(holder);
    },
  });
}

/** The official menu takes about half a second to open. */
export const clickPie = clickPieTask('click-pie', 500);
export const clickPieNodelay = clickPieTask('click-pie-nodelay', 0);
