import type { PolicyStep } from '../../env/episode.ts';
import { formatAction } from '../../env/actions.ts';
import type { Observation } from '../../env/env.ts';
import { ExpertConfusedError, type Expert } from '../expert.ts';
import { act, firstElement, need, taskArea, textOf } from '../find.ts';

const TASK = 'sign-agreement';

/** What the utterance asks: just Cancel, or sign with a name and press a button. */
function request(utterance: string): { name: string | null; button: string } {
  if (/click the cancel button/i.test(utterance)) return { name: null, button: 'Cancel' };
  const sign = /enter the name "([^"]*)" then press "([^"]*)"/.exec(utterance);
  if (!sign) throw new ExpertConfusedError(TASK, `cannot read the request "${utterance}"`);
  return { name: sign[1] as string, button: sign[2] as string };
}

function readPage(observation: Observation) {
  const area = taskArea(observation.tree);
  return {
    agreement: need(
      TASK,
      firstElement(area, (e) => e.tag === 'textarea'),
      'the agreement',
    ),
    nameBox: need(
      TASK,
      firstElement(area, (e) => e.tag === 'input' && e.role === 'textbox'),
      'the name box',
    ),
    button: (label: string) =>
      need(
        TASK,
        firstElement(area, (e) => e.role === 'button' && textOf(e) === label),
        `the ${label} button`,
      ),
  };
}

/**
 * Scrolls the agreement to its end, which unlocks the name box and Agree: the pointer goes over the
 * textarea first, then the wheel turns (a wheel scrolls what is under the pointer).
 */
function scrollAgreement(page: ReturnType<typeof readPage>, history: readonly string[]): PolicyStep {
  const hover = act.hover(page.agreement);
  return history.at(-1) === hover
    ? {
        thought: 'I scroll the agreement to the bottom.',
        action: formatAction({ kind: 'scroll', dx: 0, dy: 5000 }),
      }
    : { thought: 'The form is locked until the agreement is read; I point at it.', action: hover };
}

export const signAgreementExpert: Expert = {
  task: TASK,
  solve({ observation, history }) {
    const wanted = request(observation.utterance);
    const page = readPage(observation);
    if (wanted.name === null)
      return { thought: 'I am asked to cancel.', action: act.click(page.button('Cancel')) };
    if (page.nameBox.disabled) return scrollAgreement(page, history);
    if (page.nameBox.value !== wanted.name) {
      return { thought: `I sign as ${wanted.name}.`, action: act.fill(page.nameBox, wanted.name) };
    }
    return { thought: `Signed; I press ${wanted.button}.`, action: act.click(page.button(wanted.button)) };
  },
  wrong({ observation, history }) {
    const wanted = request(observation.utterance);
    const page = readPage(observation);
    if (wanted.name !== null) {
      // Cancel is always enabled: pressing it unsigned (or instead of Agree) is wrong either way.
      return { thought: 'I press Cancel without signing.', action: act.click(page.button('Cancel')) };
    }
    const agree = page.button('Agree');
    if (agree.disabled) return scrollAgreement(page, history);
    return { thought: 'I agree instead of cancelling.', action: act.click(agree) };
  },
};
