import { defineTask } from '../core/task.ts';
import { svg } from './svg.ts';

const COUNT = 5;
const FONT_PX = 20;
const BOX_PX = 20;
/** Numbers keep at least this many pixels apart, so each box covers one number. */
const GAP_PX = 15;
const MAX_MISSES = 200;

interface Placed {
  n: number;
  x: number;
  y: number;
}

/** Where a number's box sits: over the digit, whose baseline is at y. */
const boxOf = ({ x, y }: Placed): { left: number; top: number } => ({ left: x - 4, top: y - 17 });

function apart(a: Placed, b: Placed): boolean {
  const p = boxOf(a);
  const q = boxOf(b);
  return (
    p.left + BOX_PX + GAP_PX < q.left ||
    q.left + BOX_PX + GAP_PX < p.left ||
    p.top + BOX_PX + GAP_PX < q.top ||
    q.top + BOX_PX + GAP_PX < p.top
  );
}

/**
 * The numbers 1 to 5 scattered over the area. Clicking 1 hides every number under a box (1's box
 * goes); then the boxes must be clicked in ascending order, each vanishing when right. Clicking a
 * number other than 1 first gives -1; a box out of order ends the episode with the fraction of
 * numbers found so far (the official partial credit).
 */
export const ascendingNumbers = defineTask({
  name: 'ascending-numbers',
  description: 'Click the numbers in ascending order; after the first they hide under boxes.',
  wave: 2,
  perception: 'visual',
  partialCredit: true,
  css: '#area_svg { width: 160px; height: 160px; } #area_svg rect { fill: #333; cursor: pointer; }',
  generate(ctx) {
    ctx.setUtterance('Click on the numbers in ascending order.');
    const placed: Placed[] = [];
    // Early numbers can leave no room for the rest: after many misses, start the layout again.
    for (let misses = 0; placed.length < COUNT;) {
      const next = { n: placed.length + 1, x: ctx.random.int(20, 119), y: ctx.random.int(20, 119) };
      if (placed.every((other) => apart(other, next))) placed.push(next);
      else if (++misses % MAX_MISSES === 0) placed.length = 0;
    }
    const area = svg(ctx.doc, 'svg', { id: 'area_svg' });
    const hide = (): void => {
      area.replaceChildren();
      // The boxes go in number order, as on the official page; the box over 1 is gone at once.
      const boxes = placed.slice(1).map((p) => {
        const { left, top } = boxOf(p);
        return svg(ctx.doc, 'rect', { class: 'rect', x: left, y: top, width: BOX_PX, height: BOX_PX });
      });
      boxes.forEach((box) => {
        box.addEventListener('click', () => {
          const remaining = area.childElementCount;
          if (box !== area.firstElementChild) ctx.end((COUNT - remaining) / COUNT, 'out of order');
          else if (remaining === 1) ctx.succeed();
          else box.remove();
        });
      });
      area.append(...boxes);
    };
    for (const p of placed) {
      const number = svg(ctx.doc, 'text', { class: 'text', x: p.x, y: p.y, 'font-size': FONT_PX }, p.n);
      number.addEventListener('click', () => (p.n === 1 ? hide() : ctx.fail(`clicked ${p.n} first`)));
      area.append(number);
    }
    ctx.area.append(area);
  },
});
