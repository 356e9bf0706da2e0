import type { RegisteredTask } from '../core/task.ts';
import { bisectAngle } from './bisect-angle.ts';
import { circleCenter } from './circle-center.ts';
import { findMidpoint } from './find-midpoint.ts';

/** Tasks answered by a click at a computed place: the geometry of points, lines and circles. */
export const coordinateTasks: RegisteredTask[] = [findMidpoint, circleCenter, bisectAngle];
