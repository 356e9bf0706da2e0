import type { Expert } from '../expert.ts';
import { act, allElements, byRole, firstElement, need, taskArea, textOf } from '../find.ts';
import type { ObsElement } from '../../env/observation.ts';
import { utterancePart } from './utterance.ts';

const TASK = 'click-option';
const target = (utterance: string): string =>
  utterancePart(TASK, utterance, /^Select (.+) and click Submit\.$/);
const radios = (tree: ObsElement): ObsElement[] => allElements(taskArea(tree), byRole('radio'));
const submit = (tree: ObsElement): ObsElement =>
  need(
    TASK,
    firstElement(taskArea(tree), (e) => e.role === 'button' && textOf(e) === 'Submit'),
    'Submit',
  );

export const clickOptionExpert: Expert = {
  task: TASK,
  solve({ observation }) {
    const label = target(observation.utterance);
    const radio = need(
      TASK,
      radios(observation.tree).find((r) => r.name === label),
      `the option ${label}`,
    );
    if (!radio.checked) return { thought: `I select the option ${label}.`, action: act.click(radio) };
    return { thought: `${label} is selected; I click Submit.`, action: act.click(submit(observation.tree)) };
  },
  wrong({ observation }) {
    const label = target(observation.utterance);
    const others = radios(observation.tree).filter((r) => r.name !== label);
    if (others.some((r) => r.checked)) {
      return {
        thought: 'A wrong option is selected; I submit it.',
        action: act.click(submit(observation.tree)),
      };
    }
    const other = need(TASK, others[0], 'another option');
    return { thought: `I select ${other.name} instead of ${label}.`, action: act.click(other) };
  },
};
