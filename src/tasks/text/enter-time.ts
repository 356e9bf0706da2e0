import { defineTask } from '../core/task.ts';
import { entryForm } from './entry-form.ts';

const pad = (n: number): string => String(n).padStart(2, '0');

/** Enter a time, asked on the 12-hour clock ("7:05 PM"), into an <input type="time"> (value "19:05"). */
export const enterTime = defineTask({
  name: 'enter-time',
  description: 'Enter a given time into a time input.',
  maxTime: 20,
  generate(ctx) {
    const hour = ctx.random.int(0, 23);
    const minute = ctx.random.int(0, 59);
    const readable = `${hour % 12 || 12}:${pad(minute)} ${hour < 12 ? 'AM' : 'PM'}`;
    ctx.setUtterance(`Enter ${readable} as the time and press submit.`);
    ctx.area.append(entryForm(ctx, { type: 'time', expected: `${pad(hour)}:${pad(minute)}` }));
  },
});
