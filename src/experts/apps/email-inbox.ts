import type { PolicyStep, StepView } from '../../env/episode.ts';
import type { ObsElement } from '../../env/observation.ts';
import type { Expert } from '../expert.ts';
import { act, allElements, byClass, firstElement, need, taskArea, textOf } from '../find.ts';
import { readInboxRequest, type InboxRequest } from './inbox-instruction.ts';

const byId =
  (id: string) =>
  (e: ObsElement): boolean =>
    e.attributes.id === id;

/** The request, read once from the first view (the inbox list names every sender) and kept. */
function request(task: string, view: StepView, area: ObsElement): InboxRequest {
  const kept = view.memory.request as InboxRequest | undefined;
  if (kept) return kept;
  const senders = allElements(area, byClass('email-sender')).map(textOf);
  const read = readInboxRequest(task, view.observation.utterance, senders);
  view.memory.request = read;
  return read;
}

/** The inbox row of the first email by `sender`. */
function threadBy(task: string, area: ObsElement, sender: string): ObsElement {
  const main = need(task, firstElement(area, byId('main')), 'the inbox list (#main)');
  const thread = allElements(main, byClass('email-thread')).find((row) => {
    const name = firstElement(row, byClass('email-sender'));
    return name !== undefined && textOf(name) === sender;
  });
  return need(task, thread, `an email from ${sender}`);
}

function part(task: string, root: ObsElement, className: string, what: string): ObsElement {
  return need(task, firstElement(root, byClass(className)), what);
}

function byIdIn(task: string, root: ObsElement, id: string, what: string): ObsElement {
  return need(task, firstElement(root, byId(id)), what);
}

/**
 * Works through whichever view is open: the compose form (fill, then send), the opened email (its
 * Reply or Forward), or the inbox list (the row's star or trash, or open the row by its sender).
 */
function inboxStep(task: string, view: StepView): PolicyStep {
  const area = taskArea(view.observation.tree);
  const goal = request(task, view, area);
  const reply = firstElement(area, byId('reply'));
  if (reply && goal.action === 'reply') {
    const text = byIdIn(task, reply, 'reply-text', 'the reply text box');
    if (text.value !== goal.message)
      return { thought: `I type the reply "${goal.message}".`, action: act.fill(text, goal.message) };
    return {
      thought: 'The reply is written; I send it.',
      action: act.click(byIdIn(task, reply, 'send-reply', 'the send button')),
    };
  }
  const forward = firstElement(area, byId('forward'));
  if (forward && goal.action === 'forward') {
    const to = part(task, forward, 'forward-sender', 'the recipient field');
    if (to.value !== goal.to)
      return { thought: `I address the forward to ${goal.to}.`, action: act.fill(to, goal.to) };
    return {
      thought: 'The forward is addressed; I send it.',
      action: act.click(byIdIn(task, forward, 'send-forward', 'the send button')),
    };
  }
  const email = firstElement(area, byId('email'));
  if (email) {
    const target = { reply: 'email-reply', forward: 'email-forward', delete: 'trash', star: 'star' }[
      goal.action
    ];
    return {
      thought: `The email from ${goal.sender} is open; I click its ${goal.action} control.`,
      action: act.click(part(task, email, target, `the ${goal.action} control of the open email`)),
    };
  }
  const thread = threadBy(task, area, goal.sender);
  if (goal.action === 'delete' || goal.action === 'star') {
    const icon = goal.action === 'delete' ? 'trash' : 'star';
    return {
      thought: `I click the ${icon} icon on the email from ${goal.sender}.`,
      action: act.click(part(task, thread, icon, `the ${icon} icon of the email`)),
    };
  }
  // Its sender line, not the row's middle, so the click cannot land on the row's icons.
  return {
    thought: `I open the email from ${goal.sender}.`,
    action: act.click(part(task, thread, 'email-sender', 'the sender of the email')),
  };
}

/** A reply sent without text: every inbox variant gives -1 for a reply that is not the asked one. */
function emptyReplyStep(task: string, view: StepView): PolicyStep {
  const area = taskArea(view.observation.tree);
  const goal = request(task, view, area);
  const reply = firstElement(area, byId('reply'));
  if (reply)
    return {
      thought: 'I send the reply empty.',
      action: act.click(byIdIn(task, reply, 'send-reply', 'the send button')),
    };
  const email = firstElement(area, byId('email'));
  if (email)
    return {
      thought: 'I start a reply.',
      action: act.click(part(task, email, 'email-reply', 'the Reply control')),
    };
  const thread = threadBy(task, area, goal.sender);
  return {
    thought: `I open the email from ${goal.sender}.`,
    action: act.click(part(task, thread, 'email-sender', 'the sender')),
  };
}

function inboxExpert(task: string): Expert {
  return { task, solve: (view) => inboxStep(task, view), wrong: (view) => emptyReplyStep(task, view) };
}

export const emailInboxExperts: Expert[] = [
  'email-inbox',
  'email-inbox-delete',
  'email-inbox-forward',
  'email-inbox-forward-nl',
  'email-inbox-forward-nl-turk',
  'email-inbox-important',
  'email-inbox-nl-turk',
  'email-inbox-noscroll',
  'email-inbox-reply',
  'email-inbox-star-reply',
].map(inboxExpert);
