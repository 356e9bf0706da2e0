import { h, type Child } from '../core/dom.ts';
import { defineTask, type TaskContext } from '../core/task.ts';

const HALF_HOUR_PX = 20;
const EVENT_NAMES = ['Phonecall', 'Food', 'Party', 'Meeting', 'Gym'];
/** Durations in half-hours, each with the two ways the instruction may say it. */
const DURATIONS: readonly [number, readonly [string, string]][] = [
  [1, ['30 mins', '0.5 hours']],
  [2, ['60 mins', '1 hour']],
  [3, ['90 mins', '1.5 hours']],
];
/** Windows the new event must fit in, as half-hour indices [from, to). */
const WINDOWS: readonly [string, number, number][] = [
  ['8AM and 12PM', 16, 24],
  ['12PM and 4PM', 24, 32],
  ['4PM and 8PM', 32, 40],
];
/** Where the day's existing events may lie: 6-10am, 12-4pm, 6-10pm. */
const BUSY_RANGES: readonly [number, number][] = [
  [12, 20],
  [24, 32],
  [36, 44],
];

/** Half-hour index to a clock label: 0 -> "12am", 17 -> "8:30am", 26 -> "1pm". */
export function timeLabel(index: number): string {
  const hour = Math.floor(index / 2) % 24;
  const clock = hour % 12 === 0 ? 12 : hour % 12;
  return `${clock}${index % 2 ? ':30' : ''}${hour < 12 ? 'am' : 'pm'}`;
}

interface Span {
  start: number;
  end: number;
}

const overlaps = (a: Span, b: Span): boolean => a.start < b.end && b.start < a.end;

/** An event box over the grid, from half-hour `start` to `end` (exclusive); its title says when. */
function eventBox(
  ctx: TaskContext,
  span: Span,
  attributes: Record<string, string>,
  text: Child,
): HTMLElement {
  const top = span.start * (HALF_HOUR_PX + 0.5) + 4;
  return h(
    ctx.doc,
    'div',
    {
      ...attributes,
      title: `${timeLabel(span.start)} to ${timeLabel(span.end)}`,
      style: `top:${top}px;height:${(span.end - span.start) * HALF_HOUR_PX}px`,
    },
    text,
  );
}

/**
 * A day calendar of half-hour slots with three events already in it. Pressing the mouse on a slot
 * and moving over another draws a new event between them; releasing on it opens a form to name it.
 * Create gives +1 (time-discounted) when the name, the length and the window asked for are right and
 * the event overlaps none already there, -1 otherwise.
 */
export const dailyCalendar = defineTask({
  name: 'daily-calendar',
  description: 'Create a named event of a given length in a time window of a day calendar.',
  wave: 2,
  maxTime: 20,
  css: `
#area { overflow-y: scroll; user-select: none; }
.hour { height: 40px; width: 140px; border-top: 1px solid #b5b5b5; display: block; }
.hour-label { display: inline-block; width: 20%; height: 40px; vertical-align: top; }
.calendar { display: inline-block; width: 78%; height: 40px; background: #f7f7f7; }
.half-hour { height: 49%; }
.half-hour + .half-hour { border-top: 1px dotted #b5b5b5; }
#area .event, #newEvent { position: absolute; z-index: 999; margin-left: 21%; width: 100px; border: 1px solid #000; }
.event0 { background: #87f776; } .event1 { background: #afe4f7; } .event2 { background: #f7afb6; }
#newEvent { background: #f4c842; }
#create-event { position: absolute; z-index: 1000; background: #fff; border: 1px solid #000; padding: 5px; margin-left: 5px; }
#create-event button { width: 55px; margin: 2px; }
`,
  generate(ctx) {
    const { random, doc, area } = ctx;
    const [length, sayings] = random.pick(DURATIONS);
    const name = random.pick(EVENT_NAMES);
    const [windowText, windowFrom, windowTo] = random.pick(WINDOWS);
    ctx.setUtterance(`Create a ${random.pick(sayings)} event named "${name}", between ${windowText}.`);

    const halfHours: HTMLElement[] = [];
    for (let hour = 0; hour < 24; hour++) {
      const halves = [0, 1].map((half) => {
        const index = hour * 2 + half;
        const cell = h(doc, 'div', { id: `hh-${index}`, class: 'half-hour', title: timeLabel(index) });
        halfHours.push(cell);
        return cell;
      });
      area.append(
        h(
          doc,
          'div',
          { class: 'hour', 'data-hour': hour },
          h(doc, 'span', { class: 'hour-label' }, timeLabel(hour * 2)),
          h(doc, 'span', { class: 'calendar' }, ...halves),
        ),
      );
    }
    const busy = BUSY_RANGES.map(([from, to]) => {
      const start = random.int(from, to - 2);
      return { start, end: Math.min(to, start + random.int(2, 3)) };
    });
    busy.forEach((span, i) =>
      area.append(
        eventBox(ctx, span, { id: `randomEvent${i}`, class: `event event${i}` }, random.pick(EVENT_NAMES)),
      ),
    );

    let anchor: number | null = null;
    let drawn: (Span & { box: HTMLElement }) | null = null;
    const judge = (given: string): void => {
      const span = drawn as Span;
      if (given.trim().toLowerCase() !== name.toLowerCase()) ctx.fail(`named the event "${given}"`);
      else if (span.end - span.start !== length)
        ctx.fail(`the event lasts ${span.end - span.start} half-hours`);
      else if (span.start < windowFrom || span.end > windowTo) ctx.fail('the event is outside the window');
      else if (busy.some((other) => overlaps(span, other))) ctx.fail('the event overlaps another');
      else ctx.succeed();
    };
    const openForm = (): void => {
      const span = drawn as Span;
      const input = h(doc, 'input', { id: 'event-name', type: 'text', placeholder: 'Event name' });
      const cancel = h(doc, 'button', { class: 'cancel' }, 'Cancel');
      const create = h(doc, 'button', { class: 'create' }, 'Create');
      const form = h(
        doc,
        'div',
        { id: 'create-event', style: drawn?.box.getAttribute('style')?.split(';')[0] },
        h(doc, 'div', {}, input),
        h(
          doc,
          'div',
          {},
          h(doc, 'label', { id: 'time-start' }, timeLabel(span.start)),
          h(doc, 'label', {}, ' to '),
          h(doc, 'label', { id: 'time-end' }, timeLabel(span.end)),
        ),
        h(doc, 'div', { id: 'controls' }, cancel, create),
      );
      cancel.addEventListener('click', () => {
        form.remove();
        drawn?.box.remove();
        drawn = null;
      });
      create.addEventListener('click', () => {
        form.remove();
        (drawn as Span & { box: HTMLElement }).box.textContent = input.value;
        judge(input.value);
      });
      area.append(form);
      input.focus();
    };
    halfHours.forEach((cell, index) => {
      cell.addEventListener('mousedown', (event) => {
        event.preventDefault();
        if (!drawn) anchor = index;
      });
      cell.addEventListener('mousemove', (event) => {
        event.preventDefault();
        if (anchor === null) return;
        const span = { start: Math.min(anchor, index), end: Math.max(anchor, index) + 1 };
        drawn?.box.remove();
        const box = eventBox(ctx, span, { id: 'newEvent' }, 'New event');
        // Letting go of the button over the new event ends the drag and asks for a name.
        box.addEventListener('mouseup', (up) => {
          up.preventDefault();
          if (anchor === null) return;
          anchor = null;
          openForm();
        });
        drawn = { ...span, box };
        area.append(box);
      });
    });
  },
});
