import { h } from '../core/dom.ts';
import { defineTask } from '../core/task.ts';
import { centreInside, FIELD_CSS, SHAPE_COUNT, shapeField, sortingRule, type Box } from './shape-boxes.ts';

const BOX = { width: 70, height: 50 };

const submitButton = (doc: Document): HTMLButtonElement =>
  h(doc, 'button', { id: 'subbtn', class: 'secondary-action' }, 'Submit');

/**
 * Five shapes and one box: drag every shape of the kind or colour asked into the box, and no
 * other, then Submit: +1 when exactly those shapes stand in the box, -1 otherwise. The official
 * page was not at hand; this is its listed aim ("drag shapes into a box") with drag-shapes-2's
 * field and the all-or-nothing rule of the other single-target drag tasks.
 */
export const dragShapes = defineTask({
  name: 'drag-shapes',
  description: 'Drag the shapes of the kind or colour asked into the box, then press Submit.',
  wave: 3,
  needsCoordinates: true,
  perception: 'positions',
  maxTime: 20,
  css: FIELD_CSS,
  generate(ctx) {
    const box: Box = { id: 'shape-box', x: ctx.random.int(2, 88), y: 5, ...BOX };
    const { shapes, svgRoot } = shapeField(ctx, [box]);
    const rule = sortingRule(ctx, shapes);
    ctx.setUtterance(`Drag all ${rule.words} into the box, then press Submit.`);
    const submit = submitButton(ctx.doc);
    submit.addEventListener('click', () => {
      const misplaced = shapes.filter((shape) => centreInside(svgRoot, shape, box) !== rule.picks(shape));
      if (misplaced.length === 0) ctx.succeed();
      else ctx.fail(`${misplaced.length} shape(s) on the wrong side of the box`);
    });
    ctx.area.append(svgRoot, submit);
  },
});

/**
 * Five shapes and two boxes: the kind or colour asked into the left box, every other shape into
 * the right one, then Submit. As on the official page each shape in its right box earns 1.3/5 and
 * each one elsewhere costs 1/5, the sum clipped to [-1, 1]: all five placed give 1, none -1.
 */
export const dragShapes2 = defineTask({
  name: 'drag-shapes-2',
  description: 'Sort the shapes into two boxes by the kind or colour asked, then press Submit.',
  wave: 3,
  needsCoordinates: true,
  perception: 'positions',
  partialCredit: true,
  maxTime: 30,
  css: FIELD_CSS,
  generate(ctx) {
    const left: Box = { id: 'left-box', x: 2, y: 5, ...BOX };
    const right: Box = { id: 'right-box', x: 84, y: 5, ...BOX };
    const { shapes, svgRoot } = shapeField(ctx, [left, right]);
    const rule = sortingRule(ctx, shapes);
    ctx.setUtterance(`Drag all ${rule.words} into the left box, and everything else into the right box.`);
    const submit = submitButton(ctx.doc);
    submit.addEventListener('click', () => {
      const placed = shapes.filter((shape) => centreInside(svgRoot, shape, rule.picks(shape) ? left : right));
      const reward = (placed.length * 1.3 - (SHAPE_COUNT - placed.length)) / SHAPE_COUNT;
      ctx.end(Math.max(-1, Math.min(1, reward)), `${placed.length} of ${SHAPE_COUNT} shapes in their box`);
    });
    ctx.area.append(svgRoot, submit);
  },
});
