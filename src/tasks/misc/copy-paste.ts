import { h } from '../core/dom.ts';
import { loremWords } from '../core/lorem.ts';
import type { Random } from '../../core/random.ts';
import { defineTask, type TaskContext } from '../core/task.ts';
import { ordinal } from '../core/words.ts';

const COPY_PASTE_CSS = `
#area textarea { display: block; width: 140px; height: 36px; margin: 2px 0; resize: none; }
#answer-input { margin-top: 4px; }
`;

/** A short run of lorem prose: what a source textarea holds. */
const sourceText = (random: Random): string => loremWords(random, random.int(2, 8)).join(' ');

/**
 * The answer input (#answer-input) and Submit (#subbtn): Submit gives +1 when the input holds
 * exactly `expected` (the source's text as generated, whatever is done to the textarea since).
 */
function answerForm(ctx: TaskContext, expected: string): HTMLElement[] {
  const input = h(ctx.doc, 'input', { type: 'text', id: 'answer-input' });
  const submit = h(ctx.doc, 'button', { id: 'subbtn', class: 'secondary-action' }, 'Submit');
  submit.addEventListener('click', () =>
    input.value === expected ? ctx.succeed() : ctx.fail(`pasted "${input.value}"`),
  );
  return [input, submit];
}

function sourceArea(ctx: TaskContext, text: string, index: number): HTMLTextAreaElement {
  const area = h(ctx.doc, 'textarea', { id: `text-${index}`, class: 'source-text' });
  area.value = text;
  return area;
}

/** One textarea of prose: copy it into the input and submit. */
export const copyPaste = defineTask({
  name: 'copy-paste',
  description: 'Copy the text of a textarea and paste it into an input.',
  wave: 2,
  css: COPY_PASTE_CSS,
  generate(ctx) {
    const text = sourceText(ctx.random);
    ctx.setUtterance('Copy the text in the textarea below, paste it into the textbox and press Submit.');
    ctx.area.append(sourceArea(ctx, text, 1), ...answerForm(ctx, text));
  },
});

/** Two or three textareas: copy the one the instruction names by its position. */
export const copyPaste2 = defineTask({
  name: 'copy-paste-2',
  description: 'Copy the text of the textarea named by its position and paste it into an input.',
  wave: 2,
  css: COPY_PASTE_CSS,
  generate(ctx) {
    const count = ctx.random.int(2, 3);
    const texts: string[] = [];
    while (texts.length < count) {
      const text = sourceText(ctx.random);
      if (!texts.includes(text)) texts.push(text);
    }
    const target = ctx.random.int(1, count);
    ctx.setUtterance(
      `Copy the text from the ${ordinal(target)} text area below and paste it into the text input, then press Submit.`,
    );
    ctx.area.append(
      ...texts.map((text, i) => sourceArea(ctx, text, i + 1)),
      ...answerForm(ctx, texts[target - 1] as string),
    );
  },
});
