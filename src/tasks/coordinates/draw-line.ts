import { defineTask } from '../core/task.ts';
import { DRAWING_CSS, drawingCanvas, spread, stepScore } from './drawing.ts';
import { distance } from './svg.ts';

/** Score of a stroke's spread across the line asked: 1 for a straight line, down to -1. */
const STRAIGHT: [number, number][] = [
  [1.5, 1],
  [2.5, 0.5],
  [4.5, -0.5],
  [6, -0.75],
];
/** Score of its spread along the line: long strokes 1, a dot 0.1. */
const LONG: [number, number][] = [
  [5, 1],
  [4, 0.75],
  [2.5, 0.5],
  [1, 0.25],
];
/** Score of how near the stroke comes to the dot, by distance in px. */
const THROUGH: [number, number][] = [
  [6, 1],
  [10, 0.75],
  [15, 0.5],
  [20, 0.25],
  [25, 0.1],
  [35, 0],
  [45, -0.25],
  [55, -0.5],
];

/**
 * A dot on a drawing area: draw a horizontal (or vertical) line through it with the mouse, then
 * Submit. As on the official page the score is 0.8 x direction + 0.2 x nearness: direction
 * multiplies a score of the stroke's spread across the line (straight) and one of its spread along
 * it (long), nearness scores how close the stroke comes to the dot. Where the official page has a
 * slip (its spreads use only the last point's deviation), this takes the stroke's true standard
 * deviation, the measure its thresholds are written for.
 */
export const drawLine = defineTask({
  name: 'draw-line',
  description: 'Draw a horizontal or vertical line through the dot, then press Submit.',
  wave: 3,
  needsCoordinates: true,
  perception: 'positions',
  partialCredit: true,
  css: DRAWING_CSS,
  generate(ctx) {
    const { random } = ctx;
    const direction = random.pick(['horizontal', 'vertical'] as const);
    ctx.setUtterance(`Draw a ${direction} line that runs through the dot, then press submit`);
    const mark = { x: random.int(30, 130), y: random.int(30, 90) };
    drawingCanvas(ctx, mark, 'purple', (stroke) => {
      const xs = spread(stroke.map((p) => p.x));
      const ys = spread(stroke.map((p) => p.y));
      const [across, along] = direction === 'horizontal' ? [ys, xs] : [xs, ys];
      const straight = stepScore(across, STRAIGHT, -1);
      const long = stepScore(along, LONG, 0.1, true);
      const nearest = Math.min(...stroke.map((p) => distance(p, mark)));
      const reward = 0.8 * straight * long + 0.2 * stepScore(nearest, THROUGH, -1);
      return {
        reward,
        reason: `spread ${along.toFixed(1)} along, ${across.toFixed(1)} across; ${nearest.toFixed(1)} px from the dot`,
      };
    });
  },
});
