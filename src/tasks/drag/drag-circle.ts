import { svgElement } from '../coordinates/svg.ts';
import { defineTask } from '../core/task.ts';
import { draggable } from './draggable.ts';

const DIRECTIONS = ['left', 'right', 'up', 'down'] as const;
/** A drop nearer than this to where the circle started counts as not moved. */
const MIN_DISTANCE = 10;

/**
 * A circle to drag the way asked; the drop ends the episode: +1 when it moved at least 10 px and
 * more along the asked direction than across it, -1 otherwise. The official page was not at hand;
 * this follows its listed aim ("drag an item in a specified direction") without drag-single-shape's
 * Submit button.
 */
export const dragCircle = defineTask({
  name: 'drag-circle',
  description: 'Drag the circle in the direction asked.',
  wave: 3,
  needsCoordinates: true,
  perception: 'positions',
  css: `#area svg { width: 160px; height: 150px; display: block; }`,
  generate(ctx) {
    const { doc, random } = ctx;
    const direction = random.pick(DIRECTIONS);
    ctx.setUtterance(`Drag the circle ${direction}.`);
    const r = random.int(8, 16);
    const circle = svgElement(doc, 'circle', {
      id: 'drag-circle',
      cx: random.int(50, 110),
      cy: random.int(45, 105),
      r,
      fill: random.pick(['red', 'blue', 'green', 'orange', 'purple', 'black']),
    });
    const svg = svgElement(doc, 'svg');
    svg.append(circle);
    const drag = draggable(circle, () => {
      const { x, y } = drag.offset();
      const along = { left: -x, right: x, up: -y, down: y }[direction];
      const across = direction === 'left' || direction === 'right' ? Math.abs(y) : Math.abs(x);
      if (along >= MIN_DISTANCE && along > across) ctx.succeed();
      else ctx.fail(`the circle moved (${x.toFixed(0)}, ${y.toFixed(0)}), not ${direction}`);
    });
    ctx.area.append(svg);
  },
});
