import type { Expert } from '../expert.ts';
import { act } from '../find.ts';
import { fieldsOf, queryBox } from './steps.ts';

export const focusTextExpert: Expert = {
  task: 'focus-text',
  solve({ observation }) {
    const [field] = fieldsOf('focus-text', observation.tree);
    return { thought: 'Clicking the textbox focuses it.', action: act.click(field!) };
  },
  wrong({ observation }) {
    // Focusing cannot go wrong here: the only way to fail is to never focus the textbox.
    return {
      thought: 'I click the instruction instead of the textbox.',
      action: act.click(queryBox('focus-text', observation.tree)),
    };
  },
};
