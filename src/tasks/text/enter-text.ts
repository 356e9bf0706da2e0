import type { Random } from '../../core/random.ts';
import { defineTask, type RegisteredTask } from '../core/task.ts';
import { FIRST_NAMES } from '../core/words.ts';
import { entryForm } from './entry-form.ts';
import { randomString } from '../core/words.ts';

/** Type the quoted text into the field and press Submit; the two variants differ in what the text is. */
function enterTextTask(
  name: string,
  description: string,
  pickText: (random: Random) => string,
): RegisteredTask {
  return defineTask({
    name,
    description,
    generate(ctx) {
      const text = pickText(ctx.random);
      ctx.setUtterance(`Enter "${text}" into the text field and press Submit.`);
      ctx.area.append(entryForm(ctx, { expected: text }));
    },
  });
}

export const enterText = enterTextTask('enter-text', 'Enter a given name into a text field.', (random) =>
  random.pick(FIRST_NAMES),
);

export const enterTextDynamic = enterTextTask(
  'enter-text-dynamic',
  'Enter a random string of letters and digits into a text field.',
  (random) => randomString(random, 1, 5),
);
