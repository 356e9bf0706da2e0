import { parseColor, toHsl } from '../../env/colors.ts';
import type { ObsElement } from '../../env/observation.ts';
import { ExpertConfusedError, type Expert } from '../expert.ts';
import { act, allElements, byClass, byRole, firstElement, need, taskArea, textOf } from '../find.ts';

const TASK = 'click-shades';

/** The three hues the shades are drawn from. */
const HUES: Record<string, number> = { red: 0, green: 120, blue: 240 };

/** The hue a shade belongs to: the nearest of the three, round the colour circle. */
function hueOf(square: ObsElement): string {
  const rgb = parseColor(square.visual?.background ?? '');
  if (!rgb) throw new ExpertConfusedError(TASK, `cannot read the colour of square [${square.bid}]`);
  const { h } = toHsl(rgb);
  const distance = (hue: number): number => Math.min(Math.abs(h - hue), 360 - Math.abs(h - hue));
  return Object.keys(HUES).reduce((best, name) =>
    distance(HUES[name] as number) < distance(HUES[best] as number) ? name : best,
  );
}

function read(observation: { utterance: string; tree: ObsElement }) {
  const wanted = /shades of (\w+)/.exec(observation.utterance)?.[1] ?? '';
  if (!(wanted in HUES))
    throw new ExpertConfusedError(TASK, `cannot read the colour in "${observation.utterance}"`);
  const area = taskArea(observation.tree);
  const squares = allElements(area, (e) => e.visual?.background !== undefined && e.role !== 'button');
  const submit = need(
    TASK,
    firstElement(area, (e) => byRole('button')(e) && textOf(e) === 'Submit'),
    'Submit',
  );
  return { wanted, squares, submit };
}

export const clickShadesExpert: Expert = {
  task: TASK,
  solve({ observation }) {
    const { wanted, squares, submit } = read(observation);
    const selected = byClass('selected');
    const missing = squares.find((s) => hueOf(s) === wanted && !selected(s));
    if (missing)
      return {
        thought: `Square [${missing.bid}] is a shade of ${wanted}; I select it.`,
        action: act.click(missing),
      };
    const extra = squares.find((s) => hueOf(s) !== wanted && selected(s));
    if (extra)
      return { thought: `Square [${extra.bid}] is not ${wanted}; I unselect it.`, action: act.click(extra) };
    return { thought: `Every shade of ${wanted} is selected; I submit.`, action: act.click(submit) };
  },
  wrong({ observation }) {
    const { wanted, squares, submit } = read(observation);
    const other = squares.find((s) => hueOf(s) !== wanted);
    if (other && !byClass('selected')(other)) {
      return { thought: 'I select a square of another colour.', action: act.click(other) };
    }
    return { thought: 'I submit the wrong selection.', action: act.click(submit) };
  },
};
