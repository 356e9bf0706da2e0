import type { RegisteredTask } from '../core/task.ts';
import { bisectAngle } from './bisect-angle.ts';
import { circleCenter } from './circle-center.ts';
import { drawCircle } from './draw-circle.ts';
import { drawLine } from './draw-line.ts';
import { findMidpoint } from './find-midpoint.ts';
import { rightAngle } from './right-angle.ts';

/** Tasks answered at a computed place, by a click or a stroke: the geometry of points, lines and circles. */
export const coordinateTasks: RegisteredTask[] = [
  findMidpoint,
  circleCenter,
  bisectAngle,
  drawLine,
  drawCircle,
  rightAngle,
];
