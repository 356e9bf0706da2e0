import { h } from '../core/dom.ts';
import { defineTask } from '../core/task.ts';

/** A new price every 100 ms, as on the official page. */
const TICK_MS = 100;
const PRICES = 100;
/** Ticks in a row, 0.5 to 2 s in, during which the price is sure to be at or below the level asked for. */
const WINDOW = 6;

export const formatPrice = (price: number): string => `$${price.toFixed(2)}`;

/**
 * A stock's price ticks along a random walk; the instruction names a level the price is sure to
 * reach: the highest price of six ticks in a row, 0.5 to 2 seconds in (the official page takes the
 * price at 7.5 s; a shorter wait with a window an agent can catch keeps checking many seeds quick). Buy gives +1 (time-discounted) while the
 * shown price is at or below it, -1 above it. The walk is seeded, but what the agent sees at a step
 * depends on how long it took, so the task is not determined by its seed.
 */
export const stockMarket = defineTask({
  name: 'stock-market',
  description: 'Buy a stock when its ticking price falls to a given level.',
  wave: 2,
  nondeterministic: true,
  // Waiting for the price takes steps of noop, a few hundred ms each.
  maxSteps: 30,
  css: `
#area > div { margin-left: 10px; }
#area label, #area span { font-weight: bold; font-size: 12px; }
#controls { width: 80%; text-align: center; margin-top: 10px; }
#buy { padding: 5px 13px; }
`,
  generate(ctx) {
    const { random, doc } = ctx;
    const symbol = Array.from({ length: 3 }, () => String.fromCharCode(65 + random.int(0, 25))).join('');
    const prices = [random.int(40, 60)];
    while (prices.length < PRICES) {
      const step = random.int(-15, 15) / 10;
      prices.push(Math.max(0.01, Math.round(((prices.at(-1) as number) + step) * 100) / 100));
    }
    const from = random.int(5, 15);
    const threshold = Math.max(...prices.slice(from, from + WINDOW));
    ctx.setUtterance(`Buy ${symbol} stock when the price is less than ${formatPrice(threshold)}.`);

    let tick = 0;
    const shown = h(doc, 'span', { id: 'stock-price' }, formatPrice(prices[0] as number));
    const advance = (): void => {
      tick = Math.min(tick + 1, PRICES - 1);
      shown.textContent = formatPrice(prices[tick] as number);
      if (tick < PRICES - 1) ctx.setTimeout(advance, TICK_MS);
    };
    ctx.setTimeout(advance, TICK_MS);

    const buy = h(doc, 'button', { id: 'buy' }, 'Buy');
    buy.addEventListener('click', () => {
      const price = prices[tick] as number;
      if (price <= threshold) ctx.succeed(`bought at ${formatPrice(price)}`);
      else ctx.fail(`bought at ${formatPrice(price)}, above ${formatPrice(threshold)}`);
    });
    ctx.area.append(
      h(
        doc,
        'div',
        {},
        h(
          doc,
          'div',
          {},
          h(doc, 'label', {}, 'Company:'),
          ' ',
          h(doc, 'span', { id: 'stock-symbol' }, symbol),
        ),
        h(doc, 'div', {}, h(doc, 'label', {}, 'Stock price:'), ' ', shown),
        h(doc, 'div', { id: 'controls' }, buy),
      ),
    );
  },
});
