import type { Point } from '../coordinates/svg.ts';

/**
 * Lets a person drag an element (SVG or HTML) with the mouse: a press on it grabs it, moves carry
 * it (as a translation), the release drops it. Plain mouse listeners, as a page without a drag library has;
 * `offset()` says how far it has been carried in all.
 */
export function draggable(
  element: SVGGraphicsElement | HTMLElement,
  onDrop?: () => void,
): { offset(): Point } {
  const doc = element.ownerDocument;
  let carried: Point = { x: 0, y: 0 };
  let grab: { start: Point; from: Point } | null = null;
  element.style.cursor = 'pointer';
  element.addEventListener('mousedown', (event: Event) => {
    const press = event as MouseEvent;
    // The press is the drag's, not the start of a text selection.
    event.preventDefault();
    grab = { start: { x: press.clientX, y: press.clientY }, from: carried };
  });
  const move = (event: MouseEvent): void => {
    if (!grab) return;
    carried = {
      x: grab.from.x + event.clientX - grab.start.x,
      y: grab.from.y + event.clientY - grab.start.y,
    };
    if (element instanceof doc.defaultView!.SVGElement) {
      element.setAttribute('transform', `translate(${carried.x},${carried.y})`);
    } else {
      element.style.transform = `translate(${carried.x}px, ${carried.y}px)`;
    }
  };
  const drop = (): void => {
    if (!grab) return;
    grab = null;
    onDrop?.();
  };
  doc.addEventListener('mousemove', move);
  doc.addEventListener('mouseup', drop);
  return { offset: () => carried };
}
