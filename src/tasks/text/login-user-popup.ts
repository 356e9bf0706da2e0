import { h } from '../core/dom.ts';
import { defineTask } from '../core/task.ts';
import { buildLoginForm } from './login-user.ts';

const EXPIRY_ENDINGS = [
  'about to expire.',
  'about to time out.',
  'expiring soon.',
  'soon to expire.',
  'timing out soon.',
  'going to expire soon.',
];
const OTHER_MESSAGES = [
  'You have 3 unread notifications.',
  'Please stay calm.',
  'This popup is here to annoy you.',
  'It seems you are logging in.',
  'Sorry for the interruption.',
  'Your coffee is getting cold.',
];

/**
 * login-user, but in half the episodes focusing the username or the password field opens a popup
 * that disables the form: its OK (exit to the home page) fails the episode, Cancel closes it.
 */
export const loginUserPopup = defineTask({
  name: 'login-user-popup',
  description: 'Enter a given username and password into a login form, dismissing a popup if one appears.',
  maxTime: 15,
  css: `
.bold { font-weight: bold; }
#popup { position: absolute; top: 62px; left: 8px; width: 120px; height: 120px; border: 2px solid #888;
  background: #eee; padding: 5px 10px; display: flex; flex-direction: column; justify-content: space-around; }
#popup p { margin: 0; text-align: center; }`,
  generate(ctx) {
    const { form, usernameField, passwordField, submit } = buildLoginForm(ctx, 'OK');
    ctx.area.append(form);
    const controls = [usernameField, passwordField, submit];
    const message = ctx.random.chance(0.85)
      ? `Your session is ${ctx.random.pick(EXPIRY_ENDINGS)}`
      : ctx.random.pick(OTHER_MESSAGES);
    const trigger = ctx.random.pick([usernameField, passwordField, null, null]);
    if (!trigger) return;

    const showPopup = (): void => {
      for (const control of controls) control.disabled = true;
      const ok = h(ctx.doc, 'button', { id: 'popup-ok' }, 'OK');
      const cancel = h(ctx.doc, 'button', { id: 'popup-cancel' }, 'Cancel');
      const popup = h(
        ctx.doc,
        'div',
        { id: 'popup' },
        h(ctx.doc, 'p', {}, message),
        h(ctx.doc, 'p', {}, 'Exit to home page?'),
        h(ctx.doc, 'p', {}, ok, ' ', cancel),
      );
      ok.addEventListener('click', () => ctx.fail('exited to the home page'));
      cancel.addEventListener('click', () => {
        for (const control of controls) control.disabled = false;
        popup.remove();
      });
      ctx.area.append(popup);
    };
    trigger.addEventListener('focus', showPopup, { once: true });
  },
});
