import type { Expert } from '../expert.ts';
import { act, allElements, byRole, need, taskArea, textOf } from '../find.ts';
import { utterancePart } from './utterance.ts';

/** Click the button the instruction names (ONE or TWO); the wrong policy clicks the other. */
function oneOrTwoExpert(task: string): Expert {
  const buttons = (tree: Parameters<typeof taskArea>[0]) => allElements(taskArea(tree), byRole('button'));
  return {
    task,
    solve({ observation }) {
      const label = utterancePart(task, observation.utterance, /^Click button (\S+)\.$/);
      const button = need(
        task,
        buttons(observation.tree).find((b) => textOf(b) === label),
        `button ${label}`,
      );
      return { thought: `The instruction asks for button ${label}; I click it.`, action: act.click(button) };
    },
    wrong({ observation }) {
      const label = utterancePart(task, observation.utterance, /^Click button (\S+)\.$/);
      const other = need(
        task,
        buttons(observation.tree).find((b) => textOf(b) !== label),
        'another button',
      );
      return { thought: `I click ${textOf(other)} instead of ${label}.`, action: act.click(other) };
    },
  };
}

export const clickTest2Expert = oneOrTwoExpert('click-test-2');
export const clickTestTransferExpert = oneOrTwoExpert('click-test-transfer');
