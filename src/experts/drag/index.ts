import type { Expert } from '../expert.ts';
import { dragBoxExpert } from './drag-box.ts';
import { dragSingleShapeExpert } from './drag-single-shape.ts';

export const dragExperts: Expert[] = [dragSingleShapeExpert, dragBoxExpert];
