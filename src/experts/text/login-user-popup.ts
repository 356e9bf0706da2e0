import type { PolicyStep } from '../../env/episode.ts';
import type { ObsElement } from '../../env/observation.ts';
import type { Expert } from '../expert.ts';
import { act, firstElement, need, taskArea, textOf } from '../find.ts';
import { formExpert } from './steps.ts';
import { loginPlan } from './login-user.ts';

const TASK = 'login-user-popup';
const login = formExpert(TASK, loginPlan(TASK));

/** The popup's button labelled `label`, when a popup is open. */
function popupButton(tree: ObsElement, label: string): ObsElement | undefined {
  const popup = firstElement(taskArea(tree), (e) => e.attributes.id === 'popup');
  if (!popup) return undefined;
  return need(
    TASK,
    firstElement(popup, (e) => e.role === 'button' && textOf(e) === label),
    `the popup's ${label} button`,
  );
}

/** login-user, except that a popup may open on a field: Cancel closes it, OK would leave the page. */
export const loginUserPopupExpert: Expert = {
  task: TASK,
  solve(view): PolicyStep {
    const cancel = popupButton(view.observation.tree, 'Cancel');
    if (cancel) {
      return {
        thought: 'A popup offers to exit to the home page and blocks the form; I cancel it.',
        action: act.click(cancel),
      };
    }
    return login.solve(view);
  },
  wrong(view): PolicyStep {
    const ok = popupButton(view.observation.tree, 'OK');
    if (ok) return { thought: 'I accept the popup and leave the login page.', action: act.click(ok) };
    return login.wrong(view);
  },
};
