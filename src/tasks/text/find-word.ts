import { h } from '../core/dom.ts';
import { defineTask } from '../core/task.ts';
import { loremWords } from '../core/lorem.ts';
import { ordinal } from '../core/words.ts';

const letterOnly = (word: string): string => word.replace(/[^a-zA-Z]+/g, '');

/**
 * A paragraph of filler sentences; type its n-th word (without punctuation) into the box and press
 * Submit. Punctuation and spaces in the answer are forgiven, as on the official page.
 */
export const findWord = defineTask({
  name: 'find-word',
  description: 'Type the n-th word of a paragraph into a text box.',
  generate(ctx) {
    const count = ctx.random.int(6, 14);
    const targetIndex = ctx.random.int(0, count - 1);
    const words = loremWords(ctx.random, count);
    const expected = letterOnly(words[targetIndex] as string);
    ctx.setUtterance(
      `Find the ${ordinal(targetIndex + 1)} word in the paragraph, type that into the textbox and press "Submit".`,
    );
    const answer = h(ctx.doc, 'input', { id: 'answer-input', type: 'text' });
    const submit = h(ctx.doc, 'button', { id: 'subbtn', class: 'secondary-action' }, 'Submit');
    submit.addEventListener('click', () =>
      answer.value.replace(/[^a-zA-Z0-9]/g, '') === expected
        ? ctx.succeed()
        : ctx.fail(`answered "${answer.value}", the word was "${expected}"`),
    );
    ctx.area.append(h(ctx.doc, 'p', {}, words.join(' ')), answer, ' ', submit);
  },
});
