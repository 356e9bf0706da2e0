import { BUILT_IN_TASKS, findTask } from './registry.ts';

/** A named split: tasks the agent trains on (held-out goals are their seeds 0-2) and held-out tasks. */
export interface Split {
  readonly name: string;
  readonly description: string;
  readonly train: readonly string[];
  readonly test: readonly string[];
}

/** The paper's 99 training tasks (TASKS.md). */
// prettier-ignore
export const PAPER_TRAIN_TASKS = [
  'ascending-numbers', 'bisect-angle', 'book-flight', 'choose-date', 'choose-date-easy', 'choose-date-medium',
  'choose-date-nodelay', 'choose-list', 'circle-center', 'click-button-sequence', 'click-checkboxes-soft',
  'click-checkboxes-transfer', 'click-collapsible-2', 'click-collapsible-2-nodelay', 'click-collapsible-nodelay',
  'click-color', 'click-dialog', 'click-dialog-2', 'click-link', 'click-menu', 'click-menu-2', 'click-scroll-list',
  'click-shape', 'click-tab', 'click-tab-2', 'click-tab-2-hard', 'click-tab-2-medium', 'click-test', 'click-test-2',
  'click-test-transfer', 'click-widget', 'copy-paste', 'copy-paste-2', 'count-shape', 'count-sides', 'daily-calendar',
  'drag-box', 'drag-circle', 'drag-cube', 'drag-items', 'drag-items-grid', 'drag-shapes', 'drag-shapes-2',
  'drag-sort-numbers', 'draw-circle', 'draw-line', 'email-inbox', 'email-inbox-delete', 'email-inbox-forward',
  'email-inbox-forward-nl', 'email-inbox-forward-nl-turk', 'email-inbox-important', 'email-inbox-noscroll',
  'email-inbox-reply', 'email-inbox-star-reply', 'enter-date', 'enter-text', 'enter-text-dynamic', 'enter-time',
  'find-greatest', 'find-word', 'focus-text-2', 'form-sequence', 'form-sequence-2', 'generate-number',
  'grid-coordinate', 'guess-number', 'highlight-text', 'hot-cold', 'identify-shape', 'login-user', 'login-user-popup',
  'multi-layouts', 'multi-orderings', 'navigate-tree', 'odd-or-even', 'order-food', 'phone-book', 'read-table',
  'read-table-2', 'resize-textarea', 'right-angle', 'scroll-text', 'scroll-text-2', 'search-engine', 'sign-agreement',
  'simple-algebra', 'social-media', 'social-media-all', 'social-media-some', 'text-editor', 'text-transform',
  'tic-tac-toe', 'use-autocomplete', 'use-autocomplete-nodelay', 'use-colorwheel', 'use-colorwheel-2', 'use-spinner',
  'visual-addition',
];

/** The paper's 23 held-out test tasks (TASKS.md). */
// prettier-ignore
export const PAPER_TEST_TASKS = [
  'buy-ticket', 'click-button', 'click-option', 'click-pie-nodelay', 'drag-single-shape', 'email-inbox-nl-turk',
  'enter-text-2', 'find-midpoint', 'focus-text', 'simple-arithmetic', 'stock-market', 'use-slider-2', 'click-checkboxes',
  'click-checkboxes-large', 'click-collapsible', 'click-pie', 'click-shades', 'click-tab-2-easy', 'enter-password',
  'form-sequence-3', 'highlight-text-2', 'unicode-test', 'use-slider',
];

/** Held-out tasks of the quick split: wave-1 tasks from the paper's test list. */
const QUICK_TEST_TASKS = [
  'click-button',
  'click-option',
  'focus-text',
  'enter-password',
  'click-collapsible',
];

export const SPLITS: readonly Split[] = [
  {
    name: 'paper',
    description:
      "The paper's split: 99 training tasks, 23 held-out tasks (only the built ones run; see missingTasks).",
    train: PAPER_TRAIN_TASKS,
    test: PAPER_TEST_TASKS,
  },
  {
    name: 'quick',
    description:
      "Wave-1 tasks: the built ones of the paper's training list, with five wave-1 test tasks held out.",
    train: PAPER_TRAIN_TASKS.filter((name) => findTask(name)?.wave === 1),
    test: QUICK_TEST_TASKS,
  },
  {
    name: 'micro',
    description: 'Four of the easiest tasks with short pages, for learning runs on a CPU; two held out.',
    train: ['click-test', 'focus-text', 'enter-text', 'click-button'],
    test: ['click-test-2', 'focus-text-2'],
  },
];

export function getSplit(name: string): Split {
  const split = SPLITS.find((s) => s.name === name);
  if (!split) throw new Error(`No split named "${name}". Splits: ${SPLITS.map((s) => s.name).join(', ')}.`);
  return split;
}

/** Tasks a split names that the lab has not built yet. */
export function missingTasks(split: Split): string[] {
  return [...split.train, ...split.test].filter((name) => !findTask(name));
}

/** The tasks of a split that exist here, train then test, without repeats. */
export function builtTasks(split: Split): string[] {
  return [...new Set([...split.train, ...split.test])].filter((name) => findTask(name));
}

export { BUILT_IN_TASKS };
