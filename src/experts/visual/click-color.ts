import { parseColor, sameColor } from '../../env/colors.ts';
import type { ObsElement } from '../../env/observation.ts';
import { ExpertConfusedError, type Expert } from '../expert.ts';
import { act, allElements, need, taskArea } from '../find.ts';

const TASK = 'click-color';

/** The colour boxes of the task area, each with the colour it is painted. */
function boxes(root: ObsElement): { box: ObsElement; painted: string }[] {
  return allElements(taskArea(root), (e) => e.visual?.background !== undefined).map((box) => ({
    box,
    painted: box.visual?.background ?? '',
  }));
}

function askedColor(utterance: string): NonNullable<ReturnType<typeof parseColor>> {
  const name = /Click on the (.+) colou?red box/.exec(utterance)?.[1] ?? '';
  const rgb = parseColor(name);
  if (!rgb) throw new ExpertConfusedError(TASK, `cannot tell which colour "${name}" is`);
  return rgb;
}

const painted = (rgb: ReturnType<typeof parseColor>) => (b: { painted: string }) => {
  const seen = parseColor(b.painted);
  return rgb !== null && seen !== null && sameColor(rgb, seen);
};

export const clickColorExpert: Expert = {
  task: TASK,
  solve({ observation }) {
    const rgb = askedColor(observation.utterance);
    const found = need(
      TASK,
      boxes(observation.tree).find(painted(rgb))?.box,
      'a box of the colour asked for',
    );
    return {
      thought: `This box is painted ${found.visual?.background}; I click it.`,
      action: act.click(found),
    };
  },
  wrong({ observation }) {
    const rgb = askedColor(observation.utterance);
    const other = need(
      TASK,
      boxes(observation.tree).find((b) => !painted(rgb)(b))?.box,
      'a box of another colour',
    );
    return { thought: `I click the ${other.visual?.background} box instead.`, action: act.click(other) };
  },
};
