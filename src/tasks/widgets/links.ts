import { h, type Child } from '../core/dom.ts';
import type { TaskContext } from '../core/task.ts';
import { loremWords } from '../core/lorem.ts';

/** Prose panels in which some words are links, and the link text the instruction asks for. */
export interface LinkedProse {
  panels: Child[][];
  target: string;
}

/**
 * `panelCount` panels of 20 lorem words where each word is a link (`span.alink`) with chance 0.2, as
 * in click-tab-2 and click-collapsible-2. Every link whose text is the target succeeds, any other
 * fails. Redrawn until there are two different link texts, so a wrong link always exists.
 */
export function linkedProse(ctx: TaskContext, panelCount: number): LinkedProse {
  for (;;) {
    const drafts = Array.from({ length: panelCount }, () =>
      loremWords(ctx.random, 20).map((word) => ({ word, isLink: ctx.random.chance(0.2) })),
    );
    const linkTexts = drafts.flat().flatMap((w) => (w.isLink ? [w.word] : []));
    if (new Set(linkTexts).size < 2) continue;
    const target = ctx.random.pick(linkTexts);
    const panels = drafts.map((words) => {
      const children: Child[] = [];
      let plain = '';
      for (const { word, isLink } of words) {
        if (!isLink) {
          plain += `${word} `;
          continue;
        }
        const link = h(ctx.doc, 'span', { class: 'alink' }, word);
        link.addEventListener('click', () =>
          word === target ? ctx.succeed() : ctx.fail(`clicked the link "${word}"`),
        );
        children.push(plain, link);
        plain = ' ';
      }
      children.push(plain);
      return children;
    });
    return { panels, target };
  }
}

export const LINK_CSS = '#area .alink { color: #0000ee; cursor: pointer; text-decoration: underline; }';
