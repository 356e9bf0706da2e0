import { h } from '../core/dom.ts';
import { defineTask } from '../core/task.ts';
import { loremWords } from '../core/lorem.ts';

/** A paragraph with some words as links; click a link with the named text, any other link fails. */
export const clickLink = defineTask({
  name: 'click-link',
  description: 'Click on the link with the given text in a paragraph.',
  css: '.alink { text-decoration: underline; color: blue; cursor: pointer; }',
  generate(ctx) {
    const words = loremWords(ctx.random, ctx.random.int(20, 30));
    let linked = words.map(() => ctx.random.chance(0.2));
    // At least two different link texts, so there is always a wrong link to click.
    while (new Set(words.filter((_, i) => linked[i])).size < 2) {
      linked = words.map(() => ctx.random.chance(0.2));
    }
    const linkTexts = words.filter((_, i) => linked[i]);
    const target = ctx.random.pick(linkTexts);
    ctx.setUtterance(`Click on the link "${target}".`);

    const paragraph = h(ctx.doc, 'p', { id: 'text' });
    words.forEach((word, i) => {
      if (i > 0) paragraph.append(' ');
      if (!linked[i]) {
        paragraph.append(word);
        return;
      }
      const link = h(ctx.doc, 'span', { class: 'alink' }, word);
      link.addEventListener('click', () =>
        word === target ? ctx.succeed() : ctx.fail(`clicked the link "${word}"`),
      );
      paragraph.append(link);
    });
    ctx.area.append(paragraph);
  },
});
