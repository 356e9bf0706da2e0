import type { Random } from '../../core/random.ts';
import type { InboxGoal } from './inbox.ts';

/**
 * How the email-inbox instructions are worded. `plain` is one fixed sentence per action; `nl` varies
 * the forward instruction; `turk` imitates free text people wrote, casual and unevenly punctuated.
 * NAME is the sender of the email, DEST the forward recipient, MSG the reply text.
 */
export type Phrasing = 'plain' | 'nl' | 'turk';

const PLAIN: Record<InboxGoal['action'], string> = {
  reply: 'Open the email from NAME and reply to it with the text "MSG".',
  forward: 'Open the email from NAME and forward it to DEST.',
  delete: 'Find the email from NAME and delete it with the trash icon.',
  star: 'Find the email from NAME and mark it as important with the star icon.',
};

const NL_FORWARD = [
  'Forward the message from NAME to DEST.',
  'Send DEST the email that NAME wrote.',
  'DEST needs the email from NAME, so forward it.',
  'Pass the email by NAME on to DEST.',
  "Open NAME's email and forward it to DEST.",
  'Get the mail from NAME over to DEST.',
  'Please send the email from NAME to DEST.',
  'Share the message you received from NAME with DEST.',
  'Look up the email by NAME and send it on to DEST.',
  'The email from NAME should go to DEST.',
];

const TURK: Record<InboxGoal['action'], string[]> = {
  forward: [
    'pls forward NAME email to DEST',
    'forward to DEST whatever NAME sent',
    'DEST should get the email NAME sent me',
    'the email from NAME, send it on to DEST',
    "can you send NAME's message to DEST",
    'Forward DEST the mail from NAME please.',
  ],
  reply: [
    'Reply to the email from NAME with "MSG".',
    'respond to NAME saying MSG',
    'write back to NAME: MSG',
    'answer NAME email with the text MSG',
    'Send a reply to NAME that says "MSG"',
  ],
  delete: [
    'Delete the email from NAME.',
    "trash NAME's email",
    'get rid of the message by NAME',
    'Remove the mail NAME sent.',
    'delete whatever NAME sent me',
  ],
  star: [
    'Star the email from NAME.',
    "mark NAME's email as important",
    'flag the message by NAME as important',
    'put a star on the mail from NAME',
    'the email by NAME is important, star it',
  ],
};

export function phrase(random: Random, phrasing: Phrasing, goal: InboxGoal): string {
  const template =
    phrasing === 'turk'
      ? random.pick(TURK[goal.action])
      : phrasing === 'nl' && goal.action === 'forward'
        ? random.pick(NL_FORWARD)
        : PLAIN[goal.action];
  return template
    .replace('NAME', goal.sender)
    .replace('DEST', goal.action === 'forward' ? goal.to : '')
    .replace('MSG', goal.action === 'reply' ? goal.message : '');
}
