import type { PolicyStep } from '../../env/episode.ts';
import type { ObsElement } from '../../env/observation.ts';
import { ExpertConfusedError } from '../expert.ts';
import { act, allElements, byClass, firstElement, need, textOf } from '../find.ts';

// prettier-ignore
const MONTHS = [
  'January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November',
  'December',
];

/** The first mm/dd/yyyy date in an instruction, as month (1-12), day and year. */
export function dateIn(
  task: string,
  utterance: string,
): { text: string; month: number; day: number; year: number } {
  const match = /\b(\d{2})\/(\d{2})\/(\d{4})\b/.exec(utterance);
  if (!match)
    throw new ExpertConfusedError(task, `cannot find a mm/dd/yyyy date in ${JSON.stringify(utterance)}`);
  return { text: match[0], month: Number(match[1]), day: Number(match[2]), year: Number(match[3]) };
}

/**
 * One step towards a jQuery UI datepicker holding `date`, or null once the field holds it. The
 * calendar lives outside the task area on the official pages, so it is looked up in the whole tree:
 * open it from the field, step months with Prev/Next towards the date, then click the day.
 */
export function datepickerStep(
  task: string,
  tree: ObsElement,
  field: ObsElement,
  date: ReturnType<typeof dateIn>,
): PolicyStep | null {
  if (field.value === date.text) return null;
  const calendar = firstElement(tree, byClass('ui-datepicker-calendar'));
  if (!calendar) return { thought: 'I open the date picker.', action: act.click(field) };
  const month =
    MONTHS.indexOf(
      textOf(need(task, firstElement(tree, byClass('ui-datepicker-month')), 'the month shown')),
    ) + 1;
  const year = Number(
    textOf(need(task, firstElement(tree, byClass('ui-datepicker-year')), 'the year shown')),
  );
  const offset = (date.year - year) * 12 + (date.month - month);
  if (offset !== 0) {
    const kind = offset < 0 ? 'prev' : 'next';
    const button = need(
      task,
      firstElement(tree, byClass(`ui-datepicker-${kind}`)),
      `the ${kind} month button`,
    );
    return {
      thought: `The calendar shows ${MONTHS[month - 1]} ${year}; I go ${offset < 0 ? 'back' : 'forward'} a month.`,
      action: act.click(button),
    };
  }
  const day = allElements(calendar, (e) => e.tag === 'a').find((a) => textOf(a) === String(date.day));
  return {
    thought: `I pick day ${date.day}.`,
    action: act.click(need(task, day, `day ${date.day} in the calendar`)),
  };
}
