import { h } from '../core/dom.ts';
import { defineTask } from '../core/task.ts';

const WIDTH = 154;
const HEIGHT = 125;

/** How close the pointer is, in the words the display shows, and what a click there earns. */
const LEVELS: readonly { within: number; word: string; className: string; reward: number }[] = [
  { within: 5, word: 'HOT', className: 'hot', reward: 1 },
  { within: 10, word: 'WARM', className: 'warm', reward: 0.5 },
  { within: 40, word: 'COLD', className: 'cold', reward: 0.25 },
  { within: Infinity, word: 'ICE COLD', className: 'ice-cold', reward: -1 },
];

const levelAt = (distance: number) => LEVELS.find((level) => distance < level.within) ?? LEVELS[3]!;

/**
 * A blank area hides a hot spot; moving the mouse over it shows HOT, WARM, COLD or ICE COLD by how
 * near the pointer is (nothing off the area). A click in the area earns 1 within 5 px of the spot, 0.5 within 10 px, 0.25
 * within 40 px (time-discounted), -1 further away; a click on the display earns -1.
 */
export const hotCold = defineTask({
  name: 'hot-cold',
  description: 'Find the hot spot of a blank area by the temperature shown as the mouse moves, and click it.',
  wave: 2,
  needsCoordinates: true,
  // The hidden point is the whole instance: every seed shows the same empty area.
  observationVaries: false,
  partialCredit: true,
  perception: 'positions',
  maxTime: 15,
  // A search of the area, then a bisection along each axis: up to 26 moves and the click.
  maxSteps: 30,
  css: `
#touch-area { width: ${WIDTH}px; height: ${HEIGHT}px; border: 1px solid #000; }
#display { height: 25px; width: 160px; text-align: center; }
#signal { font-weight: bold; font-size: 20px; }
.hot { color: #af0516; } .warm { color: #ff7e2d; } .cold { color: #00d8ff; } .ice-cold { color: #0a4bff; }
`,
  generate(ctx) {
    const { random, doc } = ctx;
    const spot = { x: random.int(5, WIDTH - 5), y: random.int(5, HEIGHT - 5) };
    ctx.setUtterance('Find and click on the HOT area.');
    const touch = h(doc, 'div', { id: 'touch-area' });
    const display = h(doc, 'div', { id: 'display' });
    const distanceOf = (event: MouseEvent): number => {
      const box = touch.getBoundingClientRect();
      return Math.hypot(event.clientX - box.left - spot.x, event.clientY - box.top - spot.y);
    };
    touch.addEventListener('mousemove', (event) => {
      const level = levelAt(distanceOf(event));
      display.replaceChildren(h(doc, 'div', { id: 'signal', class: level.className }, level.word));
    });
    touch.addEventListener('click', (event) => {
      const distance = distanceOf(event);
      display.replaceChildren();
      ctx.end(levelAt(distance).reward, `clicked ${distance.toFixed(1)} px from the spot`);
    });
    // The temperature shows only while the pointer is over the area, as a person would expect.
    const clearOutside = (event: MouseEvent): void => {
      if (!touch.isConnected) doc.removeEventListener('mousemove', clearOutside);
      else if (!touch.contains(event.target as Node)) display.replaceChildren();
    };
    doc.addEventListener('mousemove', clearOutside);
    display.addEventListener('click', () => {
      display.replaceChildren();
      ctx.fail('clicked the display');
    });
    ctx.area.append(touch, display);
  },
});
