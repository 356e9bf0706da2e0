import { h } from '../core/dom.ts';
import { defineTask } from '../core/task.ts';
import { draggable } from './draggable.ts';

/** A small box to drag wholly inside a larger one, then Submit. */
export const dragBox = defineTask({
  name: 'drag-box',
  description: 'Drag the smaller box completely inside the larger box, then press Submit.',
  wave: 3,
  needsCoordinates: true,
  perception: 'positions',
  css: `
#area { position: relative; }
#area .box { position: absolute; box-sizing: border-box; }
#area .large { border: 2px solid black; background: #eee; }
#area .small { cursor: pointer; }
#subbtn { position: absolute; left: 50px; bottom: 3px; }
`,
  generate(ctx) {
    const { doc, random } = ctx;
    ctx.setUtterance('Drag the smaller box so that it is completely inside the larger box.');
    const largeSize = random.int(45, 65);
    const smallSize = random.int(15, 25);
    // The large box keeps to one half of the area and the small one starts in the other.
    const largeLeft = random.chance(0.5);
    const large = {
      x: random.int(0, 75 - largeSize) + (largeLeft ? 0 : 80),
      y: random.int(0, 125 - largeSize),
    };
    const small = {
      x: random.int(0, 75 - smallSize) + (largeLeft ? 80 : 0),
      y: random.int(0, 125 - smallSize),
    };
    const place = (at: { x: number; y: number }, size: number): string =>
      `left:${at.x}px; top:${at.y}px; width:${size}px; height:${size}px`;
    const largeBox = h(doc, 'div', { id: 'boxes-large', class: 'box large', style: place(large, largeSize) });
    const smallBox = h(doc, 'div', {
      id: 'boxes-small',
      class: 'box small',
      style: `${place(small, smallSize)}; background:${random.pick(['red', 'blue', 'green', 'orange', 'purple'])}`,
    });
    draggable(smallBox);
    const submit = h(doc, 'button', { id: 'subbtn', class: 'secondary-action' }, 'Submit');
    submit.addEventListener('click', () => {
      const inner = smallBox.getBoundingClientRect();
      const outer = largeBox.getBoundingClientRect();
      const inside =
        inner.left >= outer.left &&
        inner.top >= outer.top &&
        inner.right <= outer.right &&
        inner.bottom <= outer.bottom;
      if (inside) ctx.succeed();
      else ctx.fail('the small box is not wholly inside the large one');
    });
    ctx.area.append(largeBox, smallBox, submit);
  },
});
