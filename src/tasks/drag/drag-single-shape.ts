import { svgElement } from '../coordinates/svg.ts';
import { h } from '../core/dom.ts';
import { defineTask } from '../core/task.ts';
import { draggable } from './draggable.ts';
import { drawShape, type ShapeKind } from './shapes.ts';

const DIRECTIONS = ['left', 'right', 'up', 'down'] as const;
const SIZES: Record<ShapeKind, [number, number]> = {
  circle: [26, 38],
  rectangle: [25, 39],
  triangle: [22, 34],
};
const COLOURS = ['blue', 'red', 'black', 'green', 'yellow', 'orange', 'white', 'brown', 'cyan', 'purple'];

/** One shape to drag in the direction asked (any distance counts), then Submit. */
export const dragSingleShape = defineTask({
  name: 'drag-single-shape',
  description: 'Drag the one shape in the direction asked, then press Submit.',
  wave: 3,
  needsCoordinates: true,
  perception: 'positions',
  css: `
#area svg { width: 160px; height: 120px; display: block; }
#subbtn { margin-left: 30px; }
`,
  generate(ctx) {
    const { doc, random } = ctx;
    const direction = random.pick(DIRECTIONS);
    ctx.setUtterance(`Drag the item ${direction} then press Submit.`);
    const kind = random.pick<ShapeKind>(['circle', 'rectangle', 'triangle']);
    const [min, max] = SIZES[kind];
    const size = random.int(min, max);
    const x = random.int(20 + size, 120 - size);
    const y = random.int(20 + size / 2, 100 - size / 2);
    const shape = drawShape(doc, kind, x, y, size, {
      class: 'black-shape',
      stroke: 'black',
      fill: random.pick(COLOURS),
    });
    const svg = svgElement(doc, 'svg');
    svg.append(shape);
    const drag = draggable(shape);
    const submit = h(doc, 'button', { id: 'subbtn', class: 'secondary-action' }, 'Submit');
    submit.addEventListener('click', () => {
      const { x: dx, y: dy } = drag.offset();
      const moved = { left: dx < 0, right: dx > 0, up: dy < 0, down: dy > 0 }[direction];
      if (moved) ctx.succeed();
      else ctx.fail(`the item was not dragged ${direction}`);
    });
    ctx.area.append(svg, submit);
  },
});
