import type { ObsElement } from '../../env/observation.ts';
import type { Expert } from '../expert.ts';
import { act, firstElement, need, taskArea, textOf } from '../find.ts';
import { datepickerStep, dateIn } from './datepicker.ts';

function submitButton(task: string, area: ObsElement): ObsElement {
  return need(
    task,
    firstElement(area, (e) => e.role === 'button' && textOf(e) === 'Submit'),
    'the Submit button',
  );
}

/** Sets the date field through its calendar, then submits. */
function chooseDateExpert(task: string): Expert {
  return {
    task,
    solve({ observation }) {
      const area = taskArea(observation.tree);
      const field = need(
        task,
        firstElement(area, (e) => e.attributes.id === 'datepicker'),
        'the date field',
      );
      const date = dateIn(task, observation.utterance);
      const step = datepickerStep(task, observation.tree, field, date);
      if (step) return step;
      return {
        thought: `The field holds ${date.text}; I submit.`,
        action: act.click(submitButton(task, area)),
      };
    },
    wrong({ observation }) {
      return {
        thought: 'I submit without picking a date.',
        action: act.click(submitButton(task, taskArea(observation.tree))),
      };
    },
  };
}

export const chooseDateExperts: Expert[] = [
  'choose-date',
  'choose-date-easy',
  'choose-date-medium',
  'choose-date-nodelay',
].map(chooseDateExpert);
