import { h, setVisible } from '../core/dom.ts';
import type { Random } from '../../core/random.ts';
import { defineTask, type RegisteredTask, type TaskContext } from '../core/task.ts';
import { AIRPORTS, splitAirport } from './airports.ts';
import { attachDatepicker, DATEPICKER_CSS, formatDate, randomDate, type CalendarDate } from './datepicker.ts';
import { attachSuggestions } from './suggestions.ts';
import { AUTOCOMPLETE_DELAY_MS } from '../widgets/delays.ts';

const FIRST_DAY: CalendarDate = { year: 2016, month: 9, day: 1 };
const LAST_DAY: CalendarDate = { year: 2016, month: 11, day: 31 };
const MAX_PRICE = 1200;

const BOOK_FLIGHT_CSS = `${DATEPICKER_CSS}
#area { background: #dfe8f2; overflow-y: scroll; }
#header-book { font-size: 10px; margin: 0 2px; }
.input-container { padding: 2px; }
#area .flight-input { width: 110px; }
.departure-container { margin-top: 8px; }
.departure-header { background: #039; color: #fff; font-weight: bold; padding: 2px; width: 124px; }
#search, .book button { width: 126px; background: #f5c842; border: 1px solid #b3b3b3; border-radius: 3px; }
.flight-summary { margin: 2px 0; text-align: center; color: #fff; background: #333; padding: 2px; }
.flight { background: #fff; box-shadow: 0 1px 4px rgba(0,0,0,.3); margin: 3px 1px; padding: 2px; }
.label-container { display: inline-block; width: 29%; vertical-align: top; color: #666; }
.details-container { display: inline-block; width: 69%; }
.book { text-align: center; }
.error { border: 1px solid red !important; }
.ui-autocomplete { position: absolute; top: 75px; left: 4px; width: 140px; max-height: 80px; overflow-y: auto;
  margin: 0; padding: 0; list-style: none; background: #fff; border: 1px solid #c5c5c5; font-size: 10px; z-index: 30; }
.ui-menu-item-wrapper { padding: 1px 3px; cursor: pointer; }
`;

/** One flight of the results: departure minute after midnight of the day, length in minutes, price. */
interface Flight {
  depart: number;
  minutes: number;
  price: number;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "Sat Oct 15 2016" and "3:05 PM" for a minute counted from midnight of `day`. */
function describeMinute(day: CalendarDate, minute: number): { day: string; time: string } {
  const at = new Date(Date.UTC(day.year, day.month, day.day) + minute * 60_000);
  const pad = (n: number): string => String(n).padStart(2, '0');
  const hour = at.getUTCHours();
  return {
    day: `${WEEKDAYS[at.getUTCDay()]} ${MONTHS[at.getUTCMonth()]} ${pad(at.getUTCDate())} ${at.getUTCFullYear()}`,
    time: `${hour % 12 || 12}:${pad(at.getUTCMinutes())} ${hour < 12 ? 'AM' : 'PM'}`,
  };
}

/** Three or four flights leaving within the day and landing within a day and a half of its start. */
function randomFlights(random: Random): Flight[] {
  return Array.from({ length: random.int(3, 4) }, () => {
    const depart = random.int(0, 24 * 60 - 1);
    return { depart, minutes: random.int(30, 36 * 60 - depart), price: random.int(50, MAX_PRICE - 1) };
  });
}

function flightCard(
  ctx: TaskContext,
  flight: Flight,
  index: number,
  route: [string, string],
  day: CalendarDate,
): { card: HTMLElement; book: HTMLElement } {
  const { doc } = ctx;
  const leg = (kind: 'depart' | 'arrive', label: string, minute: number, city: string): HTMLElement => {
    const when = describeMinute(day, minute);
    return h(
      doc,
      'div',
      { class: `flight-${kind}` },
      h(doc, 'div', { class: 'label-container' }, h(doc, 'label', {}, label)),
      h(
        doc,
        'div',
        { class: 'details-container' },
        h(doc, 'div', { class: `${kind}-time` }, when.time),
        h(doc, 'div', { class: `${kind}-day` }, when.day),
        h(doc, 'div', { class: `${kind}-city` }, city),
      ),
    );
  };
  const book = h(doc, 'button', { class: 'flight-price' }, `Book flight for $${flight.price}`);
  const card = h(
    doc,
    'div',
    { class: 'flight', 'data-result': index },
    leg('depart', 'Depart:', flight.depart, route[0]),
    leg('arrive', 'Arrives:', flight.depart + flight.minutes, route[1]),
    h(
      doc,
      'div',
      { class: 'flight-duration' },
      h(doc, 'div', { class: 'label-container' }, h(doc, 'label', {}, 'Duration:')),
      h(
        doc,
        'div',
        { class: 'details-container' },
        h(
          doc,
          'div',
          { class: 'time-duration' },
          `${Math.floor(flight.minutes / 60)}h ${flight.minutes % 60}m`,
        ),
      ),
    ),
    h(doc, 'div', { class: 'book' }, book),
  );
  return { card, book };
}

/**
 * A one-way flight search: From and To fields with airport suggestions, a departure datepicker
 * (October to December 2016) and Search. A search with the asked route and day lists the flights of
 * the instance; any other search lists made-up flights. Booking the cheapest (or shortest) flight of
 * the real results gives +1; any other booking -1.
 */
function bookFlightTask(
  name: string,
  delayMs: number,
  description: string,
  maxSteps: number,
): RegisteredTask {
  return defineTask({
    name,
    description,
    wave: 2,
    maxTime: 180,
    maxSteps,
    css: BOOK_FLIGHT_CSS,
    generate(ctx) {
      const { doc, random } = ctx;
      const [from, to] = random.sample(AIRPORTS, 2) as [string, string];
      const asked = [from, to].map((entry) => {
        const { city, code } = splitAirport(entry);
        return random.chance(0.5) ? city : code;
      }) as [string, string];
      const date = formatDate(randomDate(random, FIRST_DAY, LAST_DAY));
      const goal = random.pick(['cheapest', 'shortest'] as const);
      const flights = randomFlights(random);
      ctx.setUtterance(
        `Find the ${goal} one-way flight from: ${asked[0]} to: ${asked[1]} on ${date} and book it.`,
      );

      const fromField = h(doc, 'input', {
        id: 'flight-from',
        class: 'flight-input',
        type: 'text',
        placeholder: 'From:',
      });
      const toField = h(doc, 'input', {
        id: 'flight-to',
        class: 'flight-input',
        type: 'text',
        placeholder: 'To:',
      });
      const dateField = h(doc, 'input', {
        id: 'datepicker',
        class: 'flight-input',
        type: 'text',
        readonly: true,
      });
      const searchButton = h(doc, 'button', { id: 'search' }, 'Search');
      const menu = h(
        doc,
        'div',
        { id: 'menu' },
        h(doc, 'h2', { id: 'header-book' }, 'Book Your One-Way Flight'),
        h(doc, 'div', { class: 'input-container' }, fromField),
        h(doc, 'div', { class: 'input-container' }, toField),
        h(
          doc,
          'div',
          { class: 'departure-container' },
          h(doc, 'div', { class: 'departure-header' }, 'Departure Date'),
          h(doc, 'div', { class: 'input-container' }, dateField),
        ),
        h(doc, 'div', { class: 'search-container' }, searchButton),
      );
      const results = h(doc, 'div', { id: 'results' });
      setVisible(results, false);
      ctx.area.append(menu, results);
      attachSuggestions(ctx, fromField, AIRPORTS, delayMs, 'ui-id-1');
      attachSuggestions(ctx, toField, AIRPORTS, delayMs, 'ui-id-2');
      attachDatepicker(ctx, dateField, { min: FIRST_DAY, max: LAST_DAY, fade: delayMs > 0 });

      const showResults = (): void => {
        const right =
          fromField.value.includes(asked[0]) && toField.value.includes(asked[1]) && dateField.value === date;
        const shown = right ? flights : randomFlights(random);
        const best = Math.min(...flights.map((f) => (goal === 'cheapest' ? f.price : f.minutes)));
        const back = h(doc, 'button', { id: 'menu-back' }, 'Back');
        const codes = [fromField.value, toField.value].map((v) => /\((\w{3})\)$/.exec(v)?.[1] ?? v);
        results.replaceChildren(
          h(
            doc,
            'div',
            { class: 'flight-header' },
            h(doc, 'span', {}, back),
            h(doc, 'div', { class: 'flight-summary' }, `${codes[0]} to ${codes[1]} | ${dateField.value}`),
          ),
        );
        back.addEventListener('click', () => {
          setVisible(results, false);
          setVisible(menu, true);
        });
        const [month = 1, dayOfMonth = 1, year = 2016] = dateField.value.split('/').map(Number);
        const day = { year, month: month - 1, day: dayOfMonth };
        shown.forEach((flight, index) => {
          const { card, book } = flightCard(ctx, flight, index, [fromField.value, toField.value], day);
          book.addEventListener('click', () => {
            const value = goal === 'cheapest' ? flight.price : flight.minutes;
            if (right && value === best) ctx.succeed();
            else
              ctx.fail(
                right ? `booked a flight that is not the ${goal}` : 'booked a flight of the wrong search',
              );
          });
          results.append(card);
        });
        setVisible(menu, false);
        setVisible(results, true);
      };

      searchButton.addEventListener('click', () => {
        const fields: [HTMLInputElement, boolean][] = [
          [fromField, AIRPORTS.includes(fromField.value)],
          [toField, AIRPORTS.includes(toField.value)],
          [dateField, dateField.value !== ''],
        ];
        for (const [field, valid] of fields) field.classList.toggle('error', !valid);
        if (fields.every(([, valid]) => valid)) showResults();
      });
    },
  });
}

// With suggestions after 300 ms: each airport takes type, wait, pick, so the expert needs 12 steps.
export const bookFlight = bookFlightTask(
  'book-flight',
  AUTOCOMPLETE_DELAY_MS,
  'Search one-way flights by airport and date, then book the cheapest or shortest one.',
  12,
);
export const bookFlightNodelay = bookFlightTask(
  'book-flight-nodelay',
  0,
  'book-flight with airport suggestions that appear at once.',
  10,
);
