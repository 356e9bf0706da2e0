import type { Expert } from '../expert.ts';
import { selectedWords, tickStep, type TickOptions } from './checkbox-steps.ts';

/** Checks exactly the labels the instruction lists; `wrong` checks exactly the others. */
export function selectByNameExpert(task: string, options: TickOptions = {}): Expert {
  return {
    task,
    solve({ observation }) {
      const words = selectedWords(task, observation.utterance);
      return tickStep(task, observation, (label) => words.includes(label), options);
    },
    wrong({ observation }) {
      const words = selectedWords(task, observation.utterance);
      return tickStep(task, observation, (label) => !words.includes(label));
    },
  };
}

export const clickCheckboxesExpert = selectByNameExpert('click-checkboxes');
export const clickCheckboxesTransferExpert = selectByNameExpert('click-checkboxes-transfer');
