import type { TaskContext } from '../core/task.ts';
import { cellCentre, drawItem, SHAPE_COLORS, SHAPE_KINDS, type GridItem } from '../visual/shapes.ts';
import { svg } from '../visual/svg.ts';
import { draggable } from './draggable.ts';

/**
 * The field of the drag-shapes tasks: outlined boxes in the top of a drawing and five coloured
 * shapes (circles, squares, triangles) in the cells of a 7x3 grid below them, each draggable.
 * Where a shape is counted is where its centre is, so a shape half over a box's edge counts on the
 * side its middle is, as on the official pages.
 */
export interface Box {
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface FieldShape {
  item: GridItem;
  element: SVGElement;
}

export const SHAPE_COUNT = 5;
const COLUMNS = 7;
const FIRST_ROW = 3;
const ROWS = 3;
/** 0.7 of a cell, as the official pages size these shapes. */
const SHAPE_SCALE = 0.7;

export const PLURALS: Record<string, string> = {
  circle: 'circles',
  rectangle: 'rectangles',
  triangle: 'triangles',
};

export const FIELD_CSS = `
#area { position: relative; height: 158px; }
#area_svg { width: 160px; height: 124px; display: block; }
#subbtn { position: absolute; left: 55px; top: 128px; }
`;

export function shapeField(
  ctx: TaskContext,
  boxes: readonly Box[],
): { shapes: FieldShape[]; svgRoot: SVGElement } {
  const { doc, random } = ctx;
  const svgRoot = svg(doc, 'svg', { id: 'area_svg' });
  for (const box of boxes) {
    svgRoot.append(
      svg(doc, 'rect', {
        id: box.id,
        class: 'shape-container',
        x: box.x,
        y: box.y,
        width: box.width,
        height: box.height,
        fill: 'none',
        stroke: 'black',
        'stroke-width': 2,
      }),
    );
  }
  const cells = random.sample(
    Array.from({ length: COLUMNS * ROWS }, (_, i) => i),
    SHAPE_COUNT,
  );
  const shapes = cells.map((cell): FieldShape => {
    const item: GridItem = {
      column: cell % COLUMNS,
      row: FIRST_ROW + Math.floor(cell / COLUMNS),
      color: random.pick(SHAPE_COLORS),
      size: 'large',
      type: 'shape',
      text: random.pick(SHAPE_KINDS),
    };
    const element = drawItem(doc, item, cellCentre(item.column), cellCentre(item.row), SHAPE_SCALE);
    element.setAttribute('class', 'drag-shape');
    draggable(element as SVGGraphicsElement);
    svgRoot.append(element);
    return { item, element };
  });
  return { shapes, svgRoot };
}

/** True when the shape's centre, where it now stands, lies strictly inside the box. */
export function centreInside(svgRoot: SVGElement, shape: FieldShape, box: Box): boolean {
  const origin = svgRoot.getBoundingClientRect();
  const at = shape.element.getBoundingClientRect();
  const x = at.left + at.width / 2 - origin.left;
  const y = at.top + at.height / 2 - origin.top;
  return x > box.x && x < box.x + box.width && y > box.y && y < box.y + box.height;
}

/**
 * What the instruction sorts by: a kind or a colour that some shape has (so there is always a shape
 * to move; the official drag-shapes-2 may name a kind that none has).
 */
export function sortingRule(
  ctx: TaskContext,
  shapes: readonly FieldShape[],
): { words: string; picks: (shape: FieldShape) => boolean } {
  if (ctx.random.chance(0.5)) {
    const kind = ctx.random.pick([...new Set(shapes.map((s) => s.item.text))]);
    return { words: PLURALS[kind] as string, picks: (shape) => shape.item.text === kind };
  }
  const color = ctx.random.pick([...new Set(shapes.map((s) => s.item.color))]);
  return { words: `${color} shapes`, picks: (shape) => shape.item.color === color };
}
