import { h } from '../core/dom.ts';
import { defineTask, type TaskContext } from '../core/task.ts';
import { FIRST_NAMES } from '../core/words.ts';
import { randomString } from '../core/words.ts';

/** The login form of login-user and login-user-popup, with its controls. */
export interface LoginForm {
  form: HTMLElement;
  usernameField: HTMLInputElement;
  passwordField: HTMLInputElement;
  submit: HTMLButtonElement;
}

/** Draws a user and a password, asks for them, and builds a form that checks both on submit. */
export function buildLoginForm(ctx: TaskContext, buttonLabel: string): LoginForm {
  const user = ctx.random.pick(FIRST_NAMES).toLowerCase();
  const password = randomString(ctx.random, 2, 5);
  ctx.setUtterance(
    `Enter the username "${user}" and the password "${password}" into the text fields and press login.`,
  );
  const usernameField = h(ctx.doc, 'input', { type: 'text', id: 'username' });
  const passwordField = h(ctx.doc, 'input', { type: 'password', id: 'password' });
  const submit = h(ctx.doc, 'button', { id: 'subbtn', class: 'secondary-action' }, buttonLabel);
  submit.addEventListener('click', () =>
    usernameField.value === user && passwordField.value === password
      ? ctx.succeed()
      : ctx.fail(`logged in as "${usernameField.value}" with "${passwordField.value}"`),
  );
  const row = (label: string, input: HTMLElement): HTMLElement =>
    h(ctx.doc, 'p', {}, h(ctx.doc, 'label', { class: 'bold' }, label), input);
  const form = h(
    ctx.doc,
    'div',
    { id: 'form' },
    row('Username', usernameField),
    row('Password', passwordField),
    submit,
  );
  return { form, usernameField, passwordField, submit };
}

/** Enter the given username and password and press the login button. */
export const loginUser = defineTask({
  name: 'login-user',
  description: 'Enter a given username and password into a login form.',
  css: '.bold { font-weight: bold; }',
  generate(ctx) {
    ctx.area.append(buildLoginForm(ctx, 'Login').form);
  },
});
