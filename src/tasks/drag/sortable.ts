/**
 * A list whose items a person reorders by dragging, as jQuery UI's sortable does: a press on an
 * item picks it up, it follows the pointer, and the release drops it where the pointer is among
 * the other items (before the first one whose middle lies below the pointer). `onDrop` hears the
 * item's old and new index.
 */
export function sortable(
  list: HTMLElement,
  onDrop: (item: HTMLElement, from: number, to: number) => void,
): void {
  const doc = list.ownerDocument;
  let held: { item: HTMLElement; from: number; startY: number } | null = null;
  list.addEventListener('mousedown', (event) => {
    const item = (event.target as Element).closest('li');
    if (!item || item.parentElement !== list) return;
    event.preventDefault();
    held = { item, from: [...list.children].indexOf(item), startY: event.clientY };
    item.classList.add('dragging');
  });
  doc.addEventListener('mousemove', (event) => {
    if (held) held.item.style.transform = `translateY(${event.clientY - held.startY}px)`;
  });
  doc.addEventListener('mouseup', (event) => {
    if (!held) return;
    const { item, from } = held;
    held = null;
    item.style.transform = '';
    item.classList.remove('dragging');
    const others = [...list.children].filter((e) => e !== item);
    const next = others.find((other) => {
      const box = other.getBoundingClientRect();
      return box.top + box.height / 2 > event.clientY;
    });
    list.insertBefore(item, next ?? null);
    onDrop(item, from, [...list.children].indexOf(item));
  });
}
