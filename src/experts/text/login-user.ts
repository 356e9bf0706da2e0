import { ExpertConfusedError } from '../expert.ts';
import { quoted } from '../find.ts';
import { formExpert, type FormPlan } from './steps.ts';

/** Username and password, quoted in that order; the username field comes first on the page. */
export function loginPlan(task: string): FormPlan {
  return {
    answers(utterance) {
      const [user, password] = quoted(utterance);
      if (user === undefined || password === undefined)
        throw new ExpertConfusedError(task, `no quoted username and password in "${utterance}"`);
      return [user, password];
    },
    spoil: ([user = '', password = '']) => [user, `${password}x`],
    labels: ['the username field', 'the password field'],
  };
}

export const loginUserExpert = formExpert('login-user', loginPlan('login-user'));
