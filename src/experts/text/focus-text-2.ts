import type { Expert } from '../expert.ts';
import { act } from '../find.ts';
import { fieldsOf, ordinalIn } from './steps.ts';

export const focusText2Expert: Expert = {
  task: 'focus-text-2',
  solve({ observation }) {
    const position = ordinalIn('focus-text-2', observation.utterance);
    const fields = fieldsOf('focus-text-2', observation.tree, position);
    return {
      thought: `I click textbox number ${position} to focus it.`,
      action: act.click(fields[position - 1]!),
    };
  },
  wrong({ observation }) {
    const position = ordinalIn('focus-text-2', observation.utterance);
    const fields = fieldsOf('focus-text-2', observation.tree, 2);
    const other = position === 1 ? 2 : 1;
    return {
      thought: `I focus textbox number ${other}, not the one asked for.`,
      action: act.click(fields[other - 1]!),
    };
  },
};
