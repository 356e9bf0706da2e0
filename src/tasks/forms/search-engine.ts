import { h } from '../core/dom.ts';
import type { Random } from '../../core/random.ts';
import { defineTask } from '../core/task.ts';
import { FIRST_NAMES } from '../core/words.ts';
import { PAGINATION_CSS, renderPagination } from './pagination.ts';
import { LOREM_WORDS } from '../core/lorem.ts';
import { ordinal } from '../core/words.ts';
import { TOP_LEVEL_DOMAINS } from './words.ts';

const RESULTS = 9;
const PER_PAGE = 3;

interface Result {
  title: string;
  url: string;
  description: string;
}

function makeResult(random: Random, title: string): Result {
  const host = `${random.pick(['www.', ''])}${random.pick(['', random.pick(LOREM_WORDS)])}${random.pick(LOREM_WORDS)}`;
  const words = Array.from({ length: random.int(2, 4) }, () => random.pick(LOREM_WORDS));
  return { title, url: `https://${host}.${random.pick(TOP_LEVEL_DOMAINS)}`, description: words.join(' ') };
}

/**
 * A search box and three pages of three results: search for the given name, then click the n-th
 * result, paging as needed. A search for anything else lists unrelated results that all fail.
 */
export const searchEngine = defineTask({
  name: 'search-engine',
  description: 'Search for a term, then click the n-th search result, paging through the results.',
  maxTime: 15,
  css: `
#search-bar { margin: 2px; }
#search-text { width: 80px !important; }
#page-content { margin: 2px; }
#page-content a { color: #00e; font-size: 10px; font-weight: bold; text-decoration: underline; }
.search-url { color: #006621; }
${PAGINATION_CSS}`,
  generate(ctx) {
    const query = ctx.random.pick(FIRST_NAMES);
    const wanted = ctx.random.int(0, RESULTS - 1);
    const others = ctx.random.sample(
      FIRST_NAMES.filter((name) => name !== query),
      RESULTS - 1,
    );
    const titles = [...others.slice(0, wanted), query, ...others.slice(wanted)];
    const results = titles.map((title) => makeResult(ctx.random, title));
    ctx.setUtterance(
      `Use the textbox to enter "${query}" and press "Search", then find and click the ${ordinal(wanted + 1)} search result.`,
    );

    const field = h(ctx.doc, 'input', { type: 'text', id: 'search-text' });
    const searchButton = h(ctx.doc, 'button', { id: 'search' }, 'Search');
    const content = h(ctx.doc, 'div', { id: 'page-content' });
    const pager = h(ctx.doc, 'ul', { id: 'pagination' });

    const showPage = (page: number): void => {
      const matches = field.value.toLowerCase() === query.toLowerCase();
      const start = (page - 1) * PER_PAGE;
      const shown = matches
        ? results.slice(start, start + PER_PAGE)
        : ctx.random.sample(FIRST_NAMES, PER_PAGE).map((name) => makeResult(ctx.random, name));
      content.replaceChildren(
        ...shown.map((result, i) => {
          const link = h(ctx.doc, 'a', { href: '#', class: 'search-title' }, result.title);
          link.addEventListener('click', (event) => {
            event.preventDefault();
            if (!matches) ctx.fail('clicked a result of the wrong search');
            else if (start + i === wanted) ctx.succeed();
            else ctx.fail(`clicked result ${start + i + 1}`);
          });
          return h(
            ctx.doc,
            'div',
            {},
            link,
            h(ctx.doc, 'div', { class: 'search-url' }, result.url),
            h(ctx.doc, 'div', { class: 'search-desc' }, result.description),
          );
        }),
      );
    };
    searchButton.addEventListener('click', () =>
      renderPagination(pager, { totalPages: RESULTS / PER_PAGE, visiblePages: 3, onPage: showPage }),
    );
    ctx.area.append(h(ctx.doc, 'div', { id: 'search-bar' }, field, searchButton), content, pager);
  },
});
