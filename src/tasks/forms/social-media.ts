import { h } from '../core/dom.ts';
import { defineTask } from '../core/task.ts';
import { FEED_CSS, iconButton, postCard, randomAuthor, randomPost } from './social-posts.ts';

/** Every action a post offers, by the class of its control, with the label the instruction uses. */
const DIRECT_ACTIONS = { reply: 'Reply', retweet: 'Retweet', like: 'Like' };
const MENU_ACTIONS = {
  share: 'Share via DM',
  copy: 'Copy link to Tweet',
  embed: 'Embed Tweet',
  'menu-user': 'Mute',
  'block-user': 'Block',
  report: 'Report',
};
const ACTIONS: Record<string, string> = { ...MENU_ACTIONS, ...DIRECT_ACTIONS };

/**
 * A feed of five to nine posts, each with reply, retweet and like icons and a "more" menu (share,
 * copy link, embed, mute, block, report). Click the named action on a post by the named user; any
 * other action click fails.
 */
export const socialMedia = defineTask({
  name: 'social-media',
  description: 'Click the given action button on a post by the given user.',
  maxTime: 15,
  css: FEED_CSS,
  generate(ctx) {
    const posts = Array.from({ length: ctx.random.int(5, 9) }, () =>
      randomPost(ctx.random, randomAuthor(ctx.random)),
    );
    const action = ctx.random.pick(Object.keys(ACTIONS));
    const user = ctx.random.pick(posts).username;
    ctx.setUtterance(`For the user ${user}, click on the "${ACTIONS[action]}" button.`);

    const menus: HTMLUListElement[] = [];
    const judge = (username: string, clicked: string): void => {
      if (username === user && clicked === action) ctx.succeed();
      else ctx.fail(`clicked "${ACTIONS[clicked]}" on a post by ${username}`);
    };
    posts.forEach((post, index) => {
      const direct = Object.entries(DIRECT_ACTIONS).map(([cls, label]) => {
        const icon = iconButton(ctx.doc, cls, label);
        icon.addEventListener('click', () => judge(post.username, cls));
        return icon;
      });
      const menu = h(ctx.doc, 'ul', { class: 'hide' });
      for (const [cls, label] of Object.entries(MENU_ACTIONS)) {
        const text = cls.endsWith('-user') ? `${label} ${post.username}` : label;
        const entry = h(ctx.doc, 'li', { class: cls }, text);
        entry.addEventListener('click', () => judge(post.username, cls));
        menu.append(entry);
      }
      menus.push(menu);
      const more = iconButton(ctx.doc, 'more', 'More');
      // Opening one menu closes the others; clicking "more" again closes it.
      more.addEventListener('click', () => {
        const opening = menu.classList.contains('hide');
        for (const m of menus) m.classList.add('hide');
        if (opening) menu.classList.remove('hide');
      });
      const details = [
        h(ctx.doc, 'span', { class: 'spacer' }),
        h(ctx.doc, 'span', { class: 'time' }, `${ctx.random.int(1, 19)}h ago`),
      ];
      ctx.area.append(
        postCard(ctx.doc, post, index, [...direct, h(ctx.doc, 'span', {}, more, menu)], details),
      );
    });
  },
});
