import type { Expert } from '../expert.ts';
import { bisectAngleExpert } from './bisect-angle.ts';
import { circleCenterExpert } from './circle-center.ts';
import { drawCircleExpert, drawLineExpert } from './drawing.ts';
import { findMidpointExpert } from './find-midpoint.ts';
import { rightAngleExpert } from './right-angle.ts';

export const coordinateExperts: Expert[] = [
  findMidpointExpert,
  circleCenterExpert,
  bisectAngleExpert,
  drawLineExpert,
  drawCircleExpert,
  rightAngleExpert,
];
