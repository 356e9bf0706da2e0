import { defineTask } from '../core/task.ts';
import { entryForm } from './entry-form.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
const FIRST_DAY = Date.UTC(2010, 0, 1);
const LAST_DAY = Date.UTC(2019, 11, 31);

const pad = (n: number): string => String(n).padStart(2, '0');

/**
 * Enter a date, asked as MM/DD/YYYY, into an <input type="date">, whose value is written YYYY-MM-DD.
 * The date is drawn from the seed alone (UTC arithmetic), never from today's date.
 */
export const enterDate = defineTask({
  name: 'enter-date',
  description: 'Enter a given date into a date input.',
  maxTime: 20,
  generate(ctx) {
    const date = new Date(FIRST_DAY + ctx.random.int(0, (LAST_DAY - FIRST_DAY) / DAY_MS) * DAY_MS);
    const [year, month, day] = [date.getUTCFullYear(), pad(date.getUTCMonth() + 1), pad(date.getUTCDate())];
    ctx.setUtterance(`Enter ${month}/${day}/${year} as the date and hit submit.`);
    ctx.area.append(entryForm(ctx, { type: 'date', expected: `${year}-${month}-${day}` }));
  },
});
