import { ExpertConfusedError } from '../expert.ts';
import { formExpert } from './steps.ts';

const pad = (n: number): string => String(n).padStart(2, '0');

/** "Enter 7:05 PM as the time" gives 19:05: a time input's value is on the 24-hour clock. */
function askedTime(utterance: string): { hour: number; minute: number } {
  const match = /(\d{1,2}):(\d{2})\s*(AM|PM)/i.exec(utterance);
  if (!match) throw new ExpertConfusedError('enter-time', `no h:mm AM/PM time in "${utterance}"`);
  const hour = (Number(match[1]) % 12) + (match[3]?.toUpperCase() === 'PM' ? 12 : 0);
  return { hour, minute: Number(match[2]) };
}

export const enterTimeExpert = formExpert('enter-time', {
  answers(utterance) {
    const { hour, minute } = askedTime(utterance);
    return [`${pad(hour)}:${pad(minute)}`];
  },
  // An hour later.
  spoil: ([time = '']) => [`${pad((Number(time.slice(0, 2)) + 1) % 24)}${time.slice(2)}`],
  labels: ['the time input'],
});
