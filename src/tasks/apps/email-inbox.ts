import type { Random } from '../../core/random.ts';
import { defineTask, type RegisteredTask } from '../core/task.ts';
import { FIRST_NAMES } from '../core/words.ts';
import {
  buildInbox,
  fillerWords,
  INBOX_CSS,
  randomEmails,
  type Email,
  type InboxAction,
  type InboxGoal,
} from './inbox.ts';
import { phrase, type Phrasing } from './inbox-phrasing.ts';

/** What sets one email-inbox variant apart: the actions it asks for, the inbox size and the wording. */
interface InboxVariant {
  name: string;
  description: string;
  actions: InboxAction[];
  /** How many emails the inbox holds (the full inbox scrolls; three fit without scrolling). */
  emails: [number, number];
  phrasing: Phrasing;
  /** Forward to someone else who wrote to the inbox (the natural-language variants), or to anyone. */
  forwardToSender: boolean;
}

function goalFor(random: Random, variant: InboxVariant, emails: Email[]): InboxGoal {
  const [target, other] = random.shuffle(emails) as [Email, Email];
  const action = random.pick(variant.actions);
  const sender = target.sender;
  if (action === 'reply') return { action, sender, message: fillerWords(random, 1, 5) };
  if (action === 'forward')
    return { action, sender, to: variant.forwardToSender ? other.sender : random.pick(FIRST_NAMES) };
  return { action, sender };
}

function inboxTask(variant: InboxVariant): RegisteredTask {
  return defineTask({
    name: variant.name,
    description: variant.description,
    wave: 2,
    maxTime: 30,
    css: INBOX_CSS,
    generate(ctx) {
      const emails = randomEmails(ctx.random, ctx.random.int(...variant.emails));
      const goal = goalFor(ctx.random, variant, emails);
      ctx.setUtterance(phrase(ctx.random, variant.phrasing, goal));
      buildInbox(ctx, emails, goal);
    },
  });
}

const ALL: InboxAction[] = ['reply', 'forward', 'delete', 'star'];
const FULL: [number, number] = [4, 11];
const SMALL: [number, number] = [3, 3];

export const emailInbox = inboxTask({
  name: 'email-inbox',
  description: 'In a scrolling inbox, reply to, forward, delete or star the email from the given sender.',
  actions: ALL,
  emails: FULL,
  phrasing: 'plain',
  forwardToSender: false,
});

export const emailInboxNoscroll = inboxTask({
  name: 'email-inbox-noscroll',
  description: 'In a three-email inbox, reply to, forward, delete or star the email from the given sender.',
  actions: ALL,
  emails: SMALL,
  phrasing: 'plain',
  forwardToSender: false,
});

export const emailInboxDelete = inboxTask({
  name: 'email-inbox-delete',
  description: 'Delete the email from the given sender with its trash icon.',
  actions: ['delete'],
  emails: SMALL,
  phrasing: 'plain',
  forwardToSender: false,
});

export const emailInboxImportant = inboxTask({
  name: 'email-inbox-important',
  description: 'Mark the email from the given sender as important with its star icon.',
  actions: ['star'],
  emails: SMALL,
  phrasing: 'plain',
  forwardToSender: false,
});

export const emailInboxReply = inboxTask({
  name: 'email-inbox-reply',
  description: 'Reply to the email from the given sender with the given text.',
  actions: ['reply'],
  emails: SMALL,
  phrasing: 'plain',
  forwardToSender: false,
});

export const emailInboxStarReply = inboxTask({
  name: 'email-inbox-star-reply',
  description: 'Either star the email from the given sender or reply to it with the given text.',
  actions: ['reply', 'star'],
  emails: SMALL,
  phrasing: 'plain',
  forwardToSender: false,
});

export const emailInboxForward = inboxTask({
  name: 'email-inbox-forward',
  description: 'Forward the email from the given sender to the given person.',
  actions: ['forward'],
  emails: SMALL,
  phrasing: 'plain',
  forwardToSender: false,
});

export const emailInboxForwardNl = inboxTask({
  name: 'email-inbox-forward-nl',
  description: 'Forward an email to another sender, asked in varied natural language.',
  actions: ['forward'],
  emails: SMALL,
  phrasing: 'nl',
  forwardToSender: true,
});

export const emailInboxForwardNlTurk = inboxTask({
  name: 'email-inbox-forward-nl-turk',
  description: 'Forward an email to another sender, asked in casual free text.',
  actions: ['forward'],
  emails: SMALL,
  phrasing: 'turk',
  forwardToSender: true,
});

export const emailInboxNlTurk = inboxTask({
  name: 'email-inbox-nl-turk',
  description: 'Reply to, forward, delete or star an email, asked in casual free text.',
  actions: ALL,
  emails: FULL,
  phrasing: 'turk',
  forwardToSender: true,
});

export const emailInboxTasks: RegisteredTask[] = [
  emailInbox,
  emailInboxDelete,
  emailInboxForward,
  emailInboxForwardNl,
  emailInboxForwardNlTurk,
  emailInboxImportant,
  emailInboxNlTurk,
  emailInboxNoscroll,
  emailInboxReply,
  emailInboxStarReply,
];
