import { h } from '../core/dom.ts';
import type { Random } from '../../core/random.ts';
import { defineTask } from '../core/task.ts';
import { COMMON_WORDS, FIRST_NAMES } from '../core/words.ts';

/** Filler sentences of 4-10 words for the agreement, long enough to need scrolling. */
function agreementText(random: Random, words: number): string {
  const sentences: string[] = [];
  for (let left = words; left > 0;) {
    const length = Math.min(left, random.int(4, 10));
    const sentence = Array.from({ length }, () => random.pick(COMMON_WORDS)).join(' ');
    sentences.push(`${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}.`);
    left -= length;
  }
  return sentences.join(' ');
}

/**
 * A user agreement in a disabled textarea; the name box and Agree unlock once it is scrolled to the
 * bottom. Either click Cancel, or sign with the given name and press the given button.
 */
export const signAgreement = defineTask({
  name: 'sign-agreement',
  description: 'Scroll the agreement to the bottom, sign with the given name and press the given button.',
  css: `
#area h2 { font-size: 10px; margin: 0 1px; }
#area #text-area { height: 70px; width: 140px; }
#area input { margin: 1px; }
#area button { display: inline-block; margin: 2px; }
`,
  generate(ctx) {
    const agreement = agreementText(ctx.random, ctx.random.int(60, 120));
    const textArea = h(ctx.doc, 'textarea', { id: 'text-area', disabled: true }, agreement);
    const name = h(ctx.doc, 'input', { type: 'text', id: 'name', placeholder: 'Name', disabled: true });
    const cancel = h(ctx.doc, 'button', { id: 'cancel' }, 'Cancel');
    const agree = h(ctx.doc, 'button', { id: 'agree', disabled: true }, 'Agree');
    textArea.addEventListener('scroll', () => {
      if (textArea.scrollHeight <= textArea.scrollTop + textArea.clientHeight + 10) {
        name.disabled = false;
        agree.disabled = false;
      }
    });
    ctx.area.append(h(ctx.doc, 'h2', {}, 'User agreement'), textArea, name, cancel, agree);

    const kind = ctx.random.int(0, 2);
    if (kind === 0) {
      ctx.setUtterance('Click the cancel button.');
      cancel.addEventListener('click', () => ctx.succeed());
      agree.addEventListener('click', () => ctx.fail('agreed instead of cancelling'));
      return;
    }
    const expected = ctx.random.pick(FIRST_NAMES);
    const [right, other] = kind === 1 ? [agree, cancel] : [cancel, agree];
    ctx.setUtterance(
      `Scroll to the bottom of the textarea, enter the name "${expected}" then press "${right.textContent}"`,
    );
    right.addEventListener('click', () =>
      name.value === expected ? ctx.succeed() : ctx.fail(`signed "${name.value}", expected "${expected}"`),
    );
    other.addEventListener('click', () => ctx.fail(`pressed "${other.textContent}"`));
  },
});
