/**
 * Where elements are, for tasks the agent solves with the mouse_* actions (registry perception
 * 'positions'): each observed element's box in CSS pixels of the task page's viewport, the
 * coordinates those actions take. Needs a browser's layout; a DOM without layout has no boxes.
 */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The element's border box, rounded to whole pixels; null when it takes no space. */
export function boxOf(element: Element): Box | null {
  const rect = element.getBoundingClientRect?.();
  if (!rect || (rect.width === 0 && rect.height === 0)) return null;
  return {
    x: Math.round(rect.left),
    y: Math.round(rect.top),
    width: Math.round(rect.width),
    height: Math.round(rect.height),
  };
}

/** `(x,y,w,h)`, as the observation writes it. */
export function formatBox(box: Box): string {
  return `(${box.x},${box.y},${box.width},${box.height})`;
}

/** The box's centre, where an expert presses. */
export function centreOf(box: Box): { x: number; y: number } {
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}
