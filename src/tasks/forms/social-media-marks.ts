import { h } from '../core/dom.ts';
import type { Random } from '../../core/random.ts';
import type { TaskContext } from '../core/task.ts';
import { defineTask } from '../core/task.ts';
import {
  FEED_CSS,
  iconButton,
  postCard,
  randomAuthor,
  randomPost,
  type Author,
  type Post,
} from './social-posts.ts';

const ACTIONS: Record<string, string> = { reply: 'Reply', retweet: 'Retweet', like: 'Like', share: 'Share' };
/** Longest run of posts by one author, so that marking them all fits in the step limit. */
const MAX_RUN = 5;

/**
 * Six to eleven posts where authors post in runs (each next post is by a new author with
 * probability 0.3), shuffled, so one user often has several posts.
 */
function feed(random: Random): Post[] {
  const total = random.int(6, 11);
  const posts: Post[] = [];
  const used = new Set<string>();
  let author: Author | null = null;
  let run = 0;
  while (posts.length < total) {
    if (!author || run >= MAX_RUN || random.chance(0.3)) {
      do author = randomAuthor(random);
      while (used.has(author.username));
      used.add(author.username);
      run = 0;
    }
    posts.push(randomPost(random, author));
    run++;
  }
  return random.shuffle(posts);
}

/** What to ask for, given the action's label, the user and how many posts they wrote. */
interface MarkGoal {
  utterance: string;
  /** Whether marking this many of the user's posts is right. */
  isRight(marked: number): boolean;
}

/**
 * Toggle an action icon (reply, retweet, like, share) on posts by one user, then Submit. Icons toggle
 * an `active` class. Submit succeeds when the goal accepts the number of the user's posts marked and
 * no other icon is active.
 */
function markPosts(
  ctx: TaskContext,
  makeGoal: (label: string, user: string, postsByUser: number) => MarkGoal,
): void {
  const posts = feed(ctx.random);
  const action = ctx.random.pick(Object.keys(ACTIONS));
  const user = ctx.random.pick(posts).username;
  const goal = makeGoal(ACTIONS[action] as string, user, posts.filter((p) => p.username === user).length);
  ctx.setUtterance(goal.utterance);

  const icons: { icon: HTMLSpanElement; wanted: boolean }[] = [];
  posts.forEach((post, index) => {
    const controls = Object.entries(ACTIONS).map(([cls, label]) => {
      const icon = iconButton(ctx.doc, cls, label);
      icon.addEventListener('click', () => icon.classList.toggle('active'));
      icons.push({ icon, wanted: post.username === user && cls === action });
      return icon;
    });
    ctx.area.append(postCard(ctx.doc, post, index, controls));
  });
  const submit = h(ctx.doc, 'button', { type: 'button' }, 'Submit');
  submit.addEventListener('click', () => {
    const active = (i: { icon: HTMLSpanElement }): boolean => i.icon.classList.contains('active');
    const marked = icons.filter((i) => i.wanted && active(i)).length;
    const stray = icons.some((i) => !i.wanted && active(i));
    if (!stray && goal.isRight(marked)) ctx.succeed();
    else ctx.fail(`marked ${marked} of the user's posts${stray ? ' and other icons' : ''}`);
  });
  ctx.area.append(h(ctx.doc, 'p', { id: 'submitRow' }, submit));
}

const CSS = `${FEED_CSS}#submitRow { margin: 3px 0; text-align: center; }`;

export const socialMediaAll = defineTask({
  name: 'social-media-all',
  description: 'Click the given action on every post by the given user, then Submit.',
  maxTime: 15,
  css: CSS,
  generate: (ctx) =>
    markPosts(ctx, (label, user, postsByUser) => ({
      utterance: `Click the "${label}" button on all posts by ${user} and then click Submit.`,
      isRight: (marked) => marked === postsByUser,
    })),
});

export const socialMediaSome = defineTask({
  name: 'social-media-some',
  description: 'Click the given action on the given number of posts by the given user, then Submit.',
  maxTime: 15,
  css: CSS,
  generate: (ctx) =>
    markPosts(ctx, (label, user, postsByUser) => {
      const amount = ctx.random.int(1, postsByUser);
      const posts = amount === 1 ? 'post' : 'posts';
      return {
        utterance: `Click the "${label}" button on ${amount} ${posts} by ${user} and then click Submit.`,
        isRight: (marked) => marked === amount,
      };
    }),
});
