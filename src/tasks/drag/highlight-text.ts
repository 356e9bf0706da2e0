import { h } from '../core/dom.ts';
import { loremWords } from '../core/lorem.ts';
import { defineTask, type TaskContext } from '../core/task.ts';
import { ordinal } from '../core/words.ts';

const collapse = (text: string): string => text.replace(/\s+/g, ' ').trim();

/**
 * Paragraphs of text and a Submit button: the selection (made by dragging the mouse over the text)
 * must hold exactly the asked paragraph's text when Submit is pressed. The official pages were not
 * at hand; this is the rule their instructions state, all or nothing.
 */
function highlightPage(ctx: TaskContext, paragraphs: number, utterance: (index: number) => string): void {
  const { doc, random } = ctx;
  const texts = Array.from({ length: paragraphs }, () =>
    loremWords(random, random.int(5, paragraphs > 1 ? 9 : 16)).join(' '),
  );
  const index = random.int(0, paragraphs - 1);
  ctx.setUtterance(utterance(index));
  const elements = texts.map((text) => h(doc, 'p', { class: 'para' }, text));
  const submit = h(doc, 'button', { id: 'subbtn', class: 'secondary-action' }, 'Submit');
  submit.addEventListener('click', () => {
    const selected = collapse(doc.defaultView?.getSelection()?.toString() ?? '');
    if (selected === collapse(texts[index] as string)) ctx.succeed();
    else ctx.fail(selected ? `selected "${selected}"` : 'nothing was selected');
  });
  ctx.area.append(h(doc, 'div', { id: 'paragraphs' }, ...elements), submit);
}

const css = `
#area .para { margin: 0 0 6px; line-height: 14px; user-select: text; }
#subbtn { margin-top: 4px; }
`;

export const highlightText = defineTask({
  name: 'highlight-text',
  description: 'Select the text of the paragraph with the mouse, then press Submit.',
  wave: 3,
  needsCoordinates: true,
  perception: 'positions',
  css,
  generate: (ctx) =>
    highlightPage(ctx, 1, () => 'Highlight the text in the paragraph below and click submit.'),
});

export const highlightText2 = defineTask({
  name: 'highlight-text-2',
  description: 'Select the text of the paragraph asked for with the mouse, then press Submit.',
  wave: 3,
  needsCoordinates: true,
  perception: 'positions',
  css,
  generate: (ctx) =>
    highlightPage(
      ctx,
      3,
      (index) => `Highlight the text in the ${ordinal(index + 1)} paragraph and click submit.`,
    ),
});
