import { h } from '../core/dom.ts';
import type { Random } from '../../core/random.ts';
import { defineTask } from '../core/task.ts';

/** The four kinds of request and what a generated number must satisfy for each. */
function pickRequest(random: Random): { text: string; accepts(n: number): boolean } {
  switch (random.int(0, 3)) {
    case 0: {
      const bound = random.int(5, 8);
      return { text: `a number less than ${bound}`, accepts: (n) => n < bound };
    }
    case 1: {
      const bound = random.int(2, 5);
      return { text: `a number greater than ${bound}`, accepts: (n) => n > bound };
    }
    case 2:
      return { text: 'an odd number', accepts: (n) => n % 2 === 1 };
    default:
      return { text: 'an even number', accepts: (n) => n % 2 === 0 };
  }
}

/**
 * Generate draws a random number from 0 to 10; submit one that meets the request. Submitting before
 * generating anything, or a number that misses the request, fails.
 */
export const generateNumber = defineTask({
  name: 'generate-number',
  description: 'Press Generate until the number meets the request, then press Submit.',
  maxTime: 15,
  css: `
#display-number { height: 50px; text-align: center; font-size: 30px; margin-top: 30px; }
#controls { text-align: center; }
#area #controls button { padding: 6px; margin: 2px 6px; }
`,
  generate(ctx) {
    const request = pickRequest(ctx.random);
    ctx.setUtterance(`Generate ${request.text}, then press submit`);
    let generated: number | null = null;
    const display = h(ctx.doc, 'div', { id: 'display-number' }, '-');
    const generateButton = h(ctx.doc, 'button', { id: 'generate' }, 'Generate');
    const submit = h(ctx.doc, 'button', { id: 'submit' }, 'Submit');
    generateButton.addEventListener('click', () => {
      generated = ctx.random.int(0, 10);
      display.textContent = String(generated);
    });
    submit.addEventListener('click', () => {
      if (generated !== null && request.accepts(generated)) ctx.succeed();
      else ctx.fail(generated === null ? 'nothing generated' : `${generated} is not ${request.text}`);
    });
    ctx.area.append(display, h(ctx.doc, 'div', { id: 'controls' }, generateButton, submit));
  },
});
