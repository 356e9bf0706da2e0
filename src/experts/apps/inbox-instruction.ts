import { ExpertConfusedError } from '../expert.ts';

/** What an email-inbox instruction asks, as the expert reads it. */
export type InboxRequest =
  | { action: 'reply'; sender: string; message: string }
  | { action: 'forward'; sender: string; to: string }
  | { action: 'delete'; sender: string }
  | { action: 'star'; sender: string };

/** A name found in the instruction, where it stands. */
interface Mention {
  name: string;
  start: number;
  end: number;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Every place one of `names` stands in the text as a whole word. */
function mentions(text: string, names: readonly string[]): Mention[] {
  const found: Mention[] = [];
  for (const name of new Set(names)) {
    for (const match of text.matchAll(new RegExp(`\\b${escapeRegExp(name)}\\b`, 'g')))
      found.push({ name, start: match.index, end: match.index + name.length });
  }
  return found.sort((a, b) => a.start - b.start);
}

/** "by NAME", "from NAME", "NAME's", "NAME sent", "NAME wrote", "NAME email": the email's author. */
function readsAsSender(text: string, m: Mention): boolean {
  const before = text.slice(0, m.start);
  const after = text.slice(m.end);
  return (
    /\b(by|from)\s+$/i.test(before) ||
    /^('s\b|\s+(sent|wrote|email|mail|message)\b|\s+wants (his|her|their)\b)/i.test(after)
  );
}

/** "to NAME", or NAME opening a sentence that says what they want or wait for: the recipient. */
function readsAsRecipient(text: string, m: Mention): boolean {
  const before = text.slice(0, m.start);
  const after = text.slice(m.end);
  return /\bto\s+$/i.test(before) || /^\s+(wants the|needs the|should get|is waiting)\b/i.test(after);
}

function actionOf(utterance: string): InboxRequest['action'] {
  if (/\b(repl(y|ies)|respond|answer|write back)\b/i.test(utterance)) return 'reply';
  if (/\b(delete|trash|remove|rid of|discard)\b/i.test(utterance)) return 'delete';
  if (/\b(star|important|flag)\b/i.test(utterance)) return 'star';
  return 'forward';
}

/** The reply text: quoted if the instruction quotes it, else what follows "saying", "text", ":"... */
function replyText(utterance: string, after: number): string | undefined {
  const quoted = /"([^"]*)"/.exec(utterance);
  if (quoted) return quoted[1];
  const rest = utterance.slice(after);
  const match = /(?:with the text|with the message|that says|saying|says|text|message|with|:)\s*(.+)$/i.exec(
    rest,
  );
  return match?.[1]?.replace(/[.!]+$/, '').trim();
}

/**
 * Reads an inbox instruction, whatever its wording: the action from its verbs, the sender as the one
 * inbox sender the instruction names (or the one named as author when two are), the recipient as the
 * other name, or the capitalised word after "to" when the recipient never wrote to the inbox.
 */
export function readInboxRequest(task: string, utterance: string, senders: readonly string[]): InboxRequest {
  const action = actionOf(utterance);
  const named = mentions(utterance, senders);
  if (named.length === 0)
    throw new ExpertConfusedError(task, `no inbox sender is named in ${JSON.stringify(utterance)}`);
  if (action !== 'forward') {
    const author = named.find((m) => readsAsSender(utterance, m)) ?? (named[0] as Mention);
    if (action !== 'reply') return { action, sender: author.name };
    const message = replyText(utterance, author.end);
    if (message === undefined)
      throw new ExpertConfusedError(task, `cannot find the reply text in ${JSON.stringify(utterance)}`);
    return { action, sender: author.name, message };
  }
  const author =
    named.find((m) => readsAsSender(utterance, m)) ??
    named.find((m) => !readsAsRecipient(utterance, m)) ??
    (named[0] as Mention);
  const recipient =
    named.find((m) => m !== author && readsAsRecipient(utterance, m)) ?? named.find((m) => m !== author);
  if (recipient) return { action, sender: author.name, to: recipient.name };
  const outside =
    /\bto\s+([A-Z][A-Za-z'-]*)/.exec(utterance.slice(author.end)) ??
    /\bto\s+([A-Z][A-Za-z'-]*)/.exec(utterance);
  if (!outside?.[1])
    throw new ExpertConfusedError(task, `cannot tell whom to forward to in ${JSON.stringify(utterance)}`);
  return { action, sender: author.name, to: outside[1] };
}
