import type { Expert } from '../expert.ts';
import { clickShapeExpert } from './click-shape.ts';
import { countShapeExpert } from './count-shape.ts';
import { identifyShapeExpert } from './identify-shape.ts';

export const visualExperts: Expert[] = [clickShapeExpert, countShapeExpert, identifyShapeExpert];
