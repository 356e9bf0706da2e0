import { firstQuote, formExpert } from './steps.ts';

export const enterPasswordExpert = formExpert('enter-password', {
  answers(utterance) {
    const password = firstQuote('enter-password', utterance);
    return [password, password];
  },
  spoil: ([password = '']) => [password, `${password}x`],
  labels: ['the password field', 'the verify password field'],
});
