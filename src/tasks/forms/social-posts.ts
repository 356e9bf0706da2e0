import { h } from '../core/dom.ts';
import type { Random } from '../../core/random.ts';
import { FIRST_NAMES, LAST_NAMES } from '../core/words.ts';
import { LOREM_WORDS } from '../core/lorem.ts';

/** One post of a social media feed, shared by the social-media tasks. */
export interface Post {
  name: string;
  username: string;
  body: string;
}

export interface Author {
  name: string;
  username: string;
}

/** A display name and a lower-case @handle drawn from names or filler words. */
export function randomAuthor(random: Random): Author {
  const name = random.chance(0.5) ? random.pick(FIRST_NAMES) : random.pick(LAST_NAMES);
  const handle = random.chance(0.5) ? random.pick(FIRST_NAMES) : random.pick(LOREM_WORDS);
  return { name, username: `@${handle.toLowerCase()}` };
}

export function randomPost(random: Random, author: Author): Post {
  const words = Array.from({ length: random.int(2, 6) }, () => random.pick(LOREM_WORDS));
  return { ...author, body: words.join(' ') };
}

/** The feed's CSS: post cards with their action icons drawn as small labelled boxes. */
export const FEED_CSS = `
#area { overflow-y: scroll; overflow-x: hidden; }
.media { border: 1px solid #e1e8ed; position: relative; margin: 0 0 2px 2px; padding-bottom: 2px; }
.details { margin: 2px 4px; }
.body { margin: 3px 4px; }
.name { font-weight: bold; }
.username, .spacer, .time { color: #555; font-size: 9px; }
.spacer:before { content: "\\00b7"; }
.controls > span { display: inline-block; margin-left: 12px; cursor: pointer; }
.reply:before { content: "\\21a9"; }
.retweet:before { content: "\\21c4"; }
.like:before { content: "\\2661"; }
.share:before { content: "\\2197"; }
.more:before { content: "\\22ef"; }
.controls .active { color: #e0245e; font-weight: bold; }
.controls ul { list-style: none; margin: 0; padding: 0; background: #fff; border: 1px solid #a9a9a9; position: absolute; right: 0; z-index: 9; }
.controls ul li { padding: 3px; cursor: pointer; }
.controls ul li:hover { background: #3b88c3; color: #fff; }
.hide { display: none !important; }
`;

/**
 * The card of one post: `div.media` with `.details` (name, @username, and `extraDetails`), `.body`
 * and `.controls`. The icons are empty spans named by class, as in the original; a title gives each
 * one an accessible name.
 */
export function postCard(
  doc: Document,
  post: Post,
  index: number,
  controls: HTMLElement[],
  extraDetails: HTMLElement[] = [],
): HTMLDivElement {
  return h(
    doc,
    'div',
    { class: 'media', 'data-result': index },
    h(
      doc,
      'div',
      { class: 'details' },
      h(doc, 'span', { class: 'name' }, post.name),
      h(doc, 'span', { class: 'username' }, post.username),
      ...extraDetails,
    ),
    h(doc, 'div', { class: 'body' }, post.body),
    h(doc, 'div', { class: 'controls' }, ...controls),
  );
}

export function iconButton(doc: Document, className: string, title: string): HTMLSpanElement {
  return h(doc, 'span', { class: className, title });
}
