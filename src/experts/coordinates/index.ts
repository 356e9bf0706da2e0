import type { Expert } from '../expert.ts';
import { bisectAngleExpert } from './bisect-angle.ts';
import { circleCenterExpert } from './circle-center.ts';
import { findMidpointExpert } from './find-midpoint.ts';

export const coordinateExperts: Expert[] = [findMidpointExpert, circleCenterExpert, bisectAngleExpert];
