import { defineTask } from '../core/task.ts';
import { DRAWING_CSS, drawingCanvas, spread, stepScore } from './drawing.ts';
import { distance } from './svg.ts';

/** Score of the spread of the stroke's distances from the point: a true circle has none. */
const ROUND: [number, number][] = [
  [2, 1],
  [4, 0.9],
  [7, 0.7],
  [10, 0.5],
  [13, 0.3],
  [16, 0.1],
  [19, -0.1],
  [22, -0.3],
  [25, -0.5],
  [28, -0.7],
  [31, -0.9],
];
/** Score of the stroke's size, by the smaller side of its bounding box in px. */
const SIZE: [number, number][] = [
  [5, -0.25],
  [10, 0.25],
  [20, 0.5],
];

/**
 * A marked point: draw a circle around it with the mouse, then Submit. As on the official page the
 * roundness score (from the spread of the stroke's distances to the point) is multiplied by a size
 * score of the stroke's bounding box, and a stroke under 5 px on a side gets -0.25.
 */
export const drawCircle = defineTask({
  name: 'draw-circle',
  description: 'Draw a circle around the marked point with the mouse, then press Submit.',
  wave: 3,
  needsCoordinates: true,
  perception: 'positions',
  partialCredit: true,
  css: DRAWING_CSS,
  generate(ctx) {
    const { random } = ctx;
    ctx.setUtterance(
      'Draw a circle centered around the marked point by dragging the mouse. Press submit when done.',
    );
    const mark = { x: random.int(30, 130), y: random.int(30, 90) };
    drawingCanvas(ctx, mark, 'green', (stroke, path) => {
      const deviation = spread(stroke.map((p) => distance(p, mark)));
      const box = path.getBoundingClientRect();
      const size = stepScore(Math.min(box.width, box.height), SIZE, 1);
      const reward = size < 0 ? size : stepScore(deviation, ROUND, -1) * size;
      return {
        reward,
        reason: `distances spread ${deviation.toFixed(1)} px; ${box.width.toFixed(0)}x${box.height.toFixed(0)} px`,
      };
    });
  },
});
