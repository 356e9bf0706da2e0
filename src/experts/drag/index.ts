import type { Expert } from '../expert.ts';
import { dragBoxExpert } from './drag-box.ts';
import { dragCircleExpert } from './drag-circle.ts';
import { dragCubeExpert } from './drag-cube.ts';
import { dragItemsExpert } from './drag-items.ts';
import { dragItemsGridExpert } from './drag-items-grid.ts';
import { dragShapes2Expert, dragShapesExpert } from './drag-shapes.ts';
import { dragSingleShapeExpert } from './drag-single-shape.ts';
import { dragSortNumbersExpert } from './drag-sort-numbers.ts';
import { highlightText2Expert, highlightTextExpert } from './highlight-text.ts';
import { resizeTextareaExpert } from './resize-textarea.ts';

export const dragExperts: Expert[] = [
  dragSingleShapeExpert,
  dragBoxExpert,
  highlightTextExpert,
  highlightText2Expert,
  dragItemsExpert,
  dragSortNumbersExpert,
  dragItemsGridExpert,
  dragShapesExpert,
  dragShapes2Expert,
  dragCircleExpert,
  dragCubeExpert,
  resizeTextareaExpert,
];
