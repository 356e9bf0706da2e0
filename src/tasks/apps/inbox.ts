import { h } from '../core/dom.ts';
import { LOREM_WORDS } from '../core/lorem.ts';
import type { Random } from '../../core/random.ts';
import type { TaskContext } from '../core/task.ts';
import { FIRST_NAMES } from '../core/words.ts';

/** One message of the inbox. */
export interface Email {
  sender: string;
  subject: string;
  body: string;
}

/** What the instruction asks for: the email (by its sender) and the action on it. */
export type InboxGoal =
  | { action: 'reply'; sender: string; message: string }
  | { action: 'forward'; sender: string; to: string }
  | { action: 'delete'; sender: string }
  | { action: 'star'; sender: string };

export type InboxAction = InboxGoal['action'];

/** Lower-case filler words, `min` to `max` of them: subjects, bodies and reply texts. */
export function fillerWords(random: Random, min: number, max: number): string {
  return Array.from({ length: random.int(min, max) }, () => random.pick(LOREM_WORDS)).join(' ');
}

export function randomEmails(random: Random, count: number): Email[] {
  return Array.from({ length: count }, () => ({
    sender: random.pick(FIRST_NAMES),
    subject: fillerWords(random, 1, 3),
    body: fillerWords(random, 5, 15),
  }));
}

/** The inbox list shows the start of a subject or body, cut at 15 characters. */
function preview(text: string): string {
  return text.length < 15 ? text : `${text.slice(0, 15)}..`;
}

export const INBOX_CSS = `
#area { padding: 0; }
#main, #search, #email { height: 164px; width: 160px; overflow-y: scroll; overflow-x: hidden; }
#main-header, #email-bar { height: 20px; line-height: 20px; background: #f92525; color: #fff; }
#main-header h2 { display: inline-block; font-size: 12px; font-weight: normal; margin: 0 5px; }
#open-search { float: right; margin: 0 4px; cursor: pointer; }
#open-search:before { content: "\\2315"; }
#search-cancel, #close-email, #close-reply, #close-forward { cursor: pointer; margin: 0 4px; }
#search-cancel:before, #close-email:before, #close-reply:before, #close-forward:before { content: "\\2190"; }
#search-input { border: none; width: 120px; }
#results-header { background: #e5e6e8; color: #555; font-size: 9px; padding: 2px 5px; }
#results-header h4 { margin: 0; font-weight: normal; }
.email-thread { padding: 2px 5px; border-bottom: 1px solid #c9c9c9; cursor: pointer; overflow: hidden; }
.email-left { width: 70%; display: inline-block; }
.email-right { width: 28%; float: right; text-align: right; }
.email-sender, .email-subject { font-weight: bold; font-size: 11px; }
.email-actions span { cursor: pointer; margin: 0 2px; opacity: 0.5; }
.email-actions .trash:before { content: "\\2716"; }
.email-actions .star:before { content: "\\2606"; }
.email-actions .star.clicked { opacity: 1; }
.email-actions .star.clicked:before { content: "\\2605"; }
#email-bar .email-actions { float: right; }
#email .email-subject { font-weight: normal; font-size: 12px; padding: 2px 5px; border-bottom: 1px solid #c9c9c9; }
#email .email-header .email-sender { font-weight: normal; font-size: 9px; }
#email .email-body { padding: 4px; min-height: 40px; }
#email .email-send { text-align: center; border-top: 1px solid #c9c9c9; padding: 3px; }
#email .email-send > span { display: inline-block; width: 45px; cursor: pointer; font-size: 9px; }
#reply-bar, #forward-bar { height: 20px; line-height: 20px; border-bottom: 1px solid #c9c9c9; }
#send-reply, #send-forward { float: right; cursor: pointer; margin: 0 4px; }
#send-reply:before, #send-forward:before { content: "\\27a4"; }
.reply-info, .forward-info, .reply-subject, .forward-subject { padding: 2px; border-bottom: 1px solid #c9c9c9; font-size: 10px; }
#area #reply textarea, #area #forward textarea { border: none; height: 95px; width: 150px; }
#area .forward-sender { border: none; width: 120px; }
.hide { display: none !important; }
`;

/** The two ways an email can be judged: sending a reply or forward, or clicking its star or trash. */
interface Judge {
  sent(kind: 'reply' | 'forward', email: Email, field: string, text: string): void;
  clicked(kind: 'star' | 'trash', email: Email): void;
}

/**
 * Rewards as the official inbox does: a star or trash click ends the episode only when the goal is
 * that action (+1 on an email by the right sender, -1 on another); sending any reply or forward ends
 * it, +1 only when it is the asked one with the asked text and recipient.
 */
function judgeFor(ctx: TaskContext, goal: InboxGoal): Judge {
  return {
    sent(kind, email, field, text) {
      const right =
        goal.action === kind &&
        email.sender === goal.sender &&
        (goal.action === 'reply'
          ? text === goal.message
          : goal.action === 'forward' && field === goal.to && text === email.body);
      if (right) ctx.succeed();
      else ctx.fail(`sent a ${kind} that was not the one asked for`);
    },
    clicked(kind, email) {
      const wanted = kind === 'star' ? 'star' : 'delete';
      if (goal.action !== wanted) return;
      if (email.sender === goal.sender) ctx.succeed();
      else ctx.fail(`clicked the ${kind} of an email by ${email.sender}`);
    },
  };
}

/** The star and trash icons of an email, as empty spans named by class (and a title for the agent). */
function actionIcons(doc: Document, email: Email, judge: Judge): HTMLElement {
  const trash = h(doc, 'span', { class: 'trash', title: 'Delete' });
  const star = h(doc, 'span', { class: 'star', title: 'Star' });
  trash.addEventListener('click', (event) => {
    event.stopPropagation();
    judge.clicked('trash', email);
  });
  star.addEventListener('click', (event) => {
    event.stopPropagation();
    star.classList.toggle('clicked');
    judge.clicked('star', email);
  });
  return h(doc, 'div', { class: 'email-actions' }, trash, star);
}

/**
 * A phone-sized mail app in the task area, with the official page's ids and classes: the inbox
 * (`#main`, one `.email-thread` per email), a search view, an opened email (`#email`) with star,
 * trash, Reply and Forward, and the reply (`#reply`) and forward (`#forward`) forms with send buttons.
 */
export function buildInbox(ctx: TaskContext, emails: Email[], goal: InboxGoal): void {
  const { doc, area } = ctx;
  const judge = judgeFor(ctx, goal);
  const openSearch = h(doc, 'span', { id: 'open-search', title: 'Search' });
  const main = h(
    doc,
    'div',
    { id: 'main' },
    h(doc, 'div', { id: 'main-header' }, h(doc, 'h2', {}, 'Primary'), openSearch),
  );
  const searchInput = h(doc, 'input', { type: 'text', id: 'search-input', placeholder: 'Search' });
  const searchCancel = h(doc, 'span', { id: 'search-cancel', title: 'Back' });
  const results = h(doc, 'div', { id: 'search-results' });
  const search = h(
    doc,
    'div',
    { id: 'search', class: 'hide' },
    h(doc, 'div', { id: 'search-header' }, searchCancel, h(doc, 'span', {}, searchInput)),
    h(doc, 'div', { id: 'results-header' }, h(doc, 'h4', {}, 'Results')),
    results,
  );
  area.append(main, search);

  const thread = (email: Email, index: number): HTMLElement => {
    const row = h(
      doc,
      'div',
      { class: 'email-thread', 'data-index': index },
      h(
        doc,
        'div',
        { class: 'email-left' },
        h(doc, 'div', { class: 'email-sender' }, email.sender),
        h(doc, 'div', { class: 'email-subject' }, preview(email.subject)),
        h(doc, 'div', { class: 'email-body' }, preview(email.body)),
      ),
      h(
        doc,
        'div',
        { class: 'email-right' },
        h(doc, 'div', { class: 'email-time' }),
        actionIcons(doc, email, judge),
      ),
    );
    row.addEventListener('click', () => openEmail(email));
    return row;
  };

  const openEmail = (email: Email): void => {
    const close = h(doc, 'span', { id: 'close-email', title: 'Back' });
    const reply = h(
      doc,
      'span',
      { class: 'email-reply' },
      h(doc, 'div', { class: 'icon' }),
      h(doc, 'div', {}, 'Reply'),
    );
    const forward = h(
      doc,
      'span',
      { class: 'email-forward' },
      h(doc, 'div', { class: 'icon' }),
      h(doc, 'div', {}, 'Forward'),
    );
    const view = h(
      doc,
      'div',
      { id: 'email' },
      h(doc, 'div', { id: 'email-bar' }, close, actionIcons(doc, email, judge)),
      h(
        doc,
        'div',
        { class: 'email-header' },
        h(doc, 'div', { class: 'email-subject' }, email.subject),
        h(
          doc,
          'span',
          { class: 'email-left' },
          h(doc, 'div', { class: 'email-sender' }, email.sender),
          h(doc, 'div', {}, 'to me'),
        ),
      ),
      h(doc, 'div', { class: 'email-body' }, email.body),
      h(doc, 'div', { class: 'email-send' }, reply, forward),
    );
    main.classList.add('hide');
    search.classList.add('hide');
    area.append(view);
    close.addEventListener('click', () => {
      view.remove();
      main.classList.remove('hide');
    });
    reply.addEventListener('click', () => compose(view, email, 'reply'));
    forward.addEventListener('click', () => compose(view, email, 'forward'));
  };

  const compose = (view: HTMLElement, email: Email, kind: 'reply' | 'forward'): void => {
    const close = h(doc, 'span', { id: `close-${kind}`, title: 'Back' });
    const send = h(doc, 'span', { id: `send-${kind}`, title: 'Send' });
    const text = h(doc, 'textarea', { id: `${kind}-text` });
    const recipient = h(doc, 'input', { type: 'text', class: 'forward-sender' });
    const info =
      kind === 'reply'
        ? h(
            doc,
            'div',
            { class: 'reply-info' },
            h(doc, 'label', {}, 'to: '),
            h(doc, 'span', { class: 'reply-sender' }, email.sender),
          )
        : h(doc, 'div', { class: 'forward-info' }, h(doc, 'label', {}, 'to: '), recipient);
    const subject = h(
      doc,
      'div',
      { class: `${kind}-subject` },
      h(doc, 'label', {}, 'subject: '),
      kind === 'reply' ? `Re: ${email.subject}` : email.subject,
    );
    const form = h(
      doc,
      'div',
      { id: kind },
      h(doc, 'div', { id: `${kind}-bar` }, close, send),
      h(doc, 'div', { class: `${kind}-header` }, info, subject),
      h(doc, 'div', { class: `${kind}-body` }, text),
    );
    if (kind === 'forward') text.value = email.body;
    view.classList.add('hide');
    area.append(form);
    close.addEventListener('click', () => {
      form.remove();
      view.classList.remove('hide');
    });
    send.addEventListener('click', () => judge.sent(kind, email, recipient.value, text.value));
  };

  emails.forEach((email, index) => main.append(thread(email, index)));

  openSearch.addEventListener('click', () => {
    main.classList.add('hide');
    search.classList.remove('hide');
    searchInput.focus();
  });
  searchCancel.addEventListener('click', () => {
    search.classList.add('hide');
    main.classList.remove('hide');
    searchInput.value = '';
    results.replaceChildren();
  });
  // Any email whose sender, subject or body holds the search text, case-sensitively, as the original.
  const runSearch = (): void => {
    const term = searchInput.value;
    results.replaceChildren();
    if (term.trim() === '') return;
    emails.forEach((email, index) => {
      if ([email.sender, email.subject, email.body].some((part) => part.includes(term)))
        results.append(thread(email, index));
    });
  };
  searchInput.addEventListener('input', runSearch);
  searchInput.addEventListener('keyup', runSearch);
}
