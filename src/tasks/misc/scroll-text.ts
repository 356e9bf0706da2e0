import { h } from '../core/dom.ts';
import { loremWords } from '../core/lorem.ts';
import { defineTask } from '../core/task.ts';

const SCROLL_TEXT_CSS = `
#area textarea { display: block; width: 140px; height: 90px; resize: none; }
#answer-input { margin-top: 4px; }
`;

/** The word without the punctuation that ends a sentence. */
export const bareWord = (word: string): string => word.replace(/[.,;:!?]+$/, '');

/**
 * A textarea too small for its prose, so a person scrolls to its end; the last word goes into the
 * text field. Submit gives +1 for exactly that word (its full stop may be left off or kept).
 */
export const scrollText = defineTask({
  name: 'scroll-text',
  description: 'Find the last word of a long text in a textarea and enter it.',
  wave: 2,
  css: SCROLL_TEXT_CSS,
  generate(ctx) {
    const words = loremWords(ctx.random, ctx.random.int(60, 90));
    const last = bareWord(words.at(-1) as string);
    ctx.setUtterance('Find the last word in the text area, enter it into the text field and hit Submit.');
    const text = h(ctx.doc, 'textarea', { id: 'text-area', readonly: true });
    text.value = words.join(' ');
    const input = h(ctx.doc, 'input', { type: 'text', id: 'answer-input' });
    const submit = h(ctx.doc, 'button', { id: 'subbtn', class: 'secondary-action' }, 'Submit');
    submit.addEventListener('click', () =>
      bareWord(input.value.trim()) === last ? ctx.succeed() : ctx.fail(`entered "${input.value}"`),
    );
    ctx.area.append(text, input, submit);
  },
});

/**
 * A textarea of long prose, left scrolled part way down; the instruction asks for its top or its
 * bottom. Submit gives +1 when the textarea is scrolled all the way there, -1 otherwise. Where the
 * textarea is scrolled only exists with layout, so the task needs a browser.
 */
export const scrollText2 = defineTask({
  name: 'scroll-text-2',
  description: 'Scroll a textarea to its top or its bottom and submit.',
  wave: 2,
  needsCoordinates: true,
  css: SCROLL_TEXT_CSS,
  generate(ctx) {
    const toBottom = ctx.random.chance(0.5);
    const start = 0.3 + 0.4 * ctx.random.next();
    ctx.setUtterance(`Scroll the textarea to the ${toBottom ? 'bottom' : 'top'} of the text hit submit.`);
    const text = h(ctx.doc, 'textarea', { id: 'text-area', readonly: true });
    text.value = loremWords(ctx.random, ctx.random.int(80, 120)).join(' ');
    const submit = h(ctx.doc, 'button', { id: 'subbtn', class: 'secondary-action' }, 'Submit');
    const slack = 2;
    submit.addEventListener('click', () => {
      const bottom = text.scrollHeight - text.clientHeight;
      const there = toBottom ? text.scrollTop >= bottom - slack : text.scrollTop <= slack;
      if (there) ctx.succeed();
      else ctx.fail(`scrolled to ${Math.round(text.scrollTop)} of ${bottom} px`);
    });
    ctx.area.append(text, submit);
    // Reading scrollHeight lays the page out, so the start position can be set right away.
    text.scrollTop = Math.round((text.scrollHeight - text.clientHeight) * start);
  },
});
