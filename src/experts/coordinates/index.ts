import type { Expert } from '../expert.ts';
import { findMidpointExpert } from './find-midpoint.ts';

export const coordinateExperts: Expert[] = [findMidpointExpert];
