import { h } from '../core/dom.ts';
import type { Random } from '../../core/random.ts';
import { defineTask } from '../core/task.ts';

const FLIGHTS = 4;
type Goal = 'cheapest cost' | 'most expensive cost' | 'shortest duration' | 'longest duration';
const GOALS: Goal[] = ['cheapest cost', 'shortest duration', 'longest duration', 'most expensive cost'];

function distinctInts(random: Random, min: number, max: number, count: number): number[] {
  const drawn = new Set<number>();
  while (drawn.size < count) drawn.add(random.int(min, max));
  return [...drawn];
}

interface Flight {
  price: number;
  minutes: number;
}

/**
 * Four flight cards, each with a duration and a "Book for $N" button: buy the one with the asked-for
 * extreme. As in the original, a ticket between the two extremes earns -0.5 instead of -1.
 */
export const buyTicket = defineTask({
  name: 'buy-ticket',
  description: 'Buy the ticket with the cheapest, most expensive, shortest or longest trip.',
  partialCredit: true,
  css: `
#area { background: linear-gradient(#cfdfee, #ebf0f6); }
.flight { box-shadow: 0 1px 4px rgba(0,0,0,.3); background: #fff; width: 140px; padding: 1px; border-radius: 3px; margin: 5px 6px; }
.label-container { display: inline-block; width: 29%; color: #666; }
.details-container { display: inline-block; width: 69%; }
.book { text-align: center; }
.book button { width: 100px; border: 1px solid #b3b3b3; border-radius: 3px; background: #f5c443; }
`,
  generate(ctx) {
    const goal = ctx.random.pick(GOALS);
    ctx.setUtterance(`Buy the ticket with the ${goal}.`);
    // Distinct prices and durations, so every goal names exactly one ticket.
    const prices = distinctInts(ctx.random, 50, 1999, FLIGHTS);
    const durations = distinctInts(ctx.random, 30, 36 * 60, FLIGHTS);
    const flights: Flight[] = prices.map((price, i) => ({ price, minutes: durations[i] as number }));

    const measure = (f: Flight): number => (goal.endsWith('cost') ? f.price : f.minutes);
    const wantsLow = goal === 'cheapest cost' || goal === 'shortest duration';
    const values = flights.map(measure);
    const best = wantsLow ? Math.min(...values) : Math.max(...values);
    const worst = wantsLow ? Math.max(...values) : Math.min(...values);

    for (const flight of flights) {
      const duration = `${Math.floor(flight.minutes / 60)}h ${flight.minutes % 60}m`;
      const button = h(ctx.doc, 'button', { class: 'buy-ticket' }, `Book for $${flight.price}`);
      button.addEventListener('click', () => {
        const value = measure(flight);
        if (value === best) ctx.succeed();
        else
          ctx.end(
            value === worst ? -1 : -0.5,
            `bought the ticket with ${goal.endsWith('cost') ? 'price' : 'minutes'} ${value}`,
          );
      });
      ctx.area.append(
        h(
          ctx.doc,
          'div',
          { class: 'flight' },
          h(
            ctx.doc,
            'div',
            { class: 'flight-duration' },
            h(ctx.doc, 'div', { class: 'label-container' }, h(ctx.doc, 'label', {}, 'Duration:')),
            h(
              ctx.doc,
              'div',
              { class: 'details-container' },
              h(ctx.doc, 'div', { class: 'time-duration' }, duration),
            ),
          ),
          h(ctx.doc, 'div', { class: 'book' }, button),
        ),
      );
    }
  },
});
