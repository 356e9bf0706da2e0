import { h } from '../core/dom.ts';
import { defineTask, type RegisteredTask } from '../core/task.ts';
import { attachDatepicker, DATEPICKER_CSS, formatDate, randomDate, type CalendarDate } from './datepicker.ts';

const CHOOSE_DATE_CSS = `${DATEPICKER_CSS}
#area p { margin: 0; padding: 0; }
#area input { width: 100px; }
.secondary-action { margin-left: 25px; }
`;

/** The last day any variant asks for; the calendar opens on its month. */
const LAST_DAY: CalendarDate = { year: 2016, month: 11, day: 31 };

/**
 * A read-only date field with a datepicker and a Submit button: pick the asked day (in 2016, from
 * `firstMonth` to December) and submit; +1 when the field holds that day, else -1. The calendar opens
 * on December, so earlier months take Prev clicks: up to eleven, hence the larger step budget.
 */
function chooseDateTask(
  name: string,
  firstMonth: number,
  fade: boolean,
  description: string,
): RegisteredTask {
  const months = 12 - firstMonth;
  return defineTask({
    name,
    description,
    wave: 2,
    maxTime: 20,
    // Open the calendar, go back up to months-1 times, pick the day, submit.
    maxSteps: Math.max(10, months + 2),
    css: CHOOSE_DATE_CSS,
    generate(ctx) {
      const target = formatDate(randomDate(ctx.random, { year: 2016, month: firstMonth, day: 1 }, LAST_DAY));
      ctx.setUtterance(`Choose ${target} as the date, then press Submit.`);
      const field = h(ctx.doc, 'input', { type: 'text', id: 'datepicker', readonly: true });
      const submit = h(ctx.doc, 'button', { id: 'subbtn', class: 'secondary-action' }, 'Submit');
      ctx.area.append(h(ctx.doc, 'p', {}, 'Date: ', field), h(ctx.doc, 'br'), submit);
      attachDatepicker(ctx, field, { min: { year: 2016, month: firstMonth, day: 1 }, max: LAST_DAY, fade });
      submit.addEventListener('click', () => {
        if (field.value === target) ctx.succeed();
        else ctx.fail(`submitted "${field.value}"`);
      });
    },
  });
}

export const chooseDate = chooseDateTask(
  'choose-date',
  0,
  true,
  'Pick the asked day of 2016 in a datepicker that opens on December, then submit.',
);
export const chooseDateMedium = chooseDateTask(
  'choose-date-medium',
  10,
  true,
  'Pick the asked day of November or December 2016 in a datepicker, then submit.',
);
export const chooseDateEasy = chooseDateTask(
  'choose-date-easy',
  11,
  true,
  'Pick the asked day of December 2016 in a datepicker, then submit.',
);
export const chooseDateNodelay = chooseDateTask(
  'choose-date-nodelay',
  0,
  false,
  'choose-date with a calendar that appears without fading in.',
);
