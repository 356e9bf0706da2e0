import type { RegisteredTask } from '../core/task.ts';
import { dragBox } from './drag-box.ts';
import { dragCircle } from './drag-circle.ts';
import { dragCube } from './drag-cube.ts';
import { dragItems } from './drag-items.ts';
import { dragItemsGrid } from './drag-items-grid.ts';
import { dragShapes, dragShapes2 } from './drag-shapes.ts';
import { dragSingleShape } from './drag-single-shape.ts';
import { dragSortNumbers } from './drag-sort-numbers.ts';
import { highlightText, highlightText2 } from './highlight-text.ts';
import { resizeTextarea } from './resize-textarea.ts';

/** Tasks done by dragging with the mouse: shapes, boxes, list items. */
export const dragTasks: RegisteredTask[] = [
  dragSingleShape,
  dragBox,
  highlightText,
  highlightText2,
  dragItems,
  dragSortNumbers,
  dragItemsGrid,
  dragShapes,
  dragShapes2,
  dragCircle,
  dragCube,
  resizeTextarea,
];
