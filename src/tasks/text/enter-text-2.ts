import { defineTask } from '../core/task.ts';
import { FIRST_NAMES } from '../core/words.ts';
import { entryForm } from './entry-form.ts';

/** Type a name in the other case: the utterance shows it lower-case and asks for upper case, or the reverse. */
export const enterText2 = defineTask({
  name: 'enter-text-2',
  description: 'Enter a given name into a text field, converted to all upper or all lower case.',
  generate(ctx) {
    const name = ctx.random.pick(FIRST_NAMES);
    const upper = ctx.random.chance(0.5);
    const shown = upper ? name.toLowerCase() : name.toUpperCase();
    const expected = upper ? name.toUpperCase() : name.toLowerCase();
    ctx.setUtterance(
      `Type "${shown}" in all ${upper ? 'upper' : 'lower'} case letters in the text input and press Submit.`,
    );
    ctx.area.append(entryForm(ctx, { expected }));
  },
});
