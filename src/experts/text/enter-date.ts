import { ExpertConfusedError } from '../expert.ts';
import { formExpert } from './steps.ts';

/** "Enter 09/17/2013 as the date" gives [2013, "09", "17"]. */
function askedDate(utterance: string): [number, string, string] {
  const match = /(\d{2})\/(\d{2})\/(\d{4})/.exec(utterance);
  if (!match) throw new ExpertConfusedError('enter-date', `no MM/DD/YYYY date in "${utterance}"`);
  return [Number(match[3]), match[1] as string, match[2] as string];
}

/** A date input's value is written YYYY-MM-DD, whatever the page shows. */
export const enterDateExpert = formExpert('enter-date', {
  answers(utterance) {
    const [year, month, day] = askedDate(utterance);
    return [`${year}-${month}-${day}`];
  },
  // Another year, on the 1st so that the date exists.
  spoil: ([date = '']) => [`${Number(date.slice(0, 4)) + 1}${date.slice(4, 8)}01`],
  labels: ['the date input'],
});
