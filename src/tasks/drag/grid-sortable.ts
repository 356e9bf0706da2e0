/**
 * A grid of cells (floated list items) that a person rearranges by dragging, as jQuery UI's
 * sortable does on a floated list: a press on an item picks it up, it follows the pointer, and the
 * release puts it in the place of the cell under the pointer (the nearest cell when the pointer is
 * between cells), shifting the others along in reading order. `onDrop` hears the old and new index.
 */
export function sortableGrid(
  list: HTMLElement,
  onDrop: (item: HTMLElement, from: number, to: number) => void,
): void {
  const doc = list.ownerDocument;
  let held: { item: HTMLElement; from: number; startX: number; startY: number } | null = null;
  list.addEventListener('mousedown', (event) => {
    const item = (event.target as Element).closest('li');
    if (!item || item.parentElement !== list) return;
    event.preventDefault();
    held = { item, from: [...list.children].indexOf(item), startX: event.clientX, startY: event.clientY };
    item.classList.add('dragging');
  });
  doc.addEventListener('mousemove', (event) => {
    if (!held) return;
    held.item.style.transform = `translate(${event.clientX - held.startX}px, ${event.clientY - held.startY}px)`;
  });
  doc.addEventListener('mouseup', (event) => {
    if (!held) return;
    const { item, from } = held;
    held = null;
    item.style.transform = '';
    item.classList.remove('dragging');
    // Cells are measured where they stand, the held one back in its own cell.
    const cells = [...list.children].map((cell) => cell.getBoundingClientRect());
    const gap = (box: DOMRect): number =>
      Math.hypot(
        Math.max(box.left - event.clientX, 0, event.clientX - box.right),
        Math.max(box.top - event.clientY, 0, event.clientY - box.bottom),
      );
    const to = cells.reduce((best, box, i) => (gap(box) < gap(cells[best] as DOMRect) ? i : best), 0);
    const others = [...list.children].filter((e) => e !== item);
    list.insertBefore(item, others[to] ?? null);
    onDrop(item, from, [...list.children].indexOf(item));
  });
}
