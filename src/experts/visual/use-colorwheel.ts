import type { PolicyStep } from '../../env/episode.ts';
import { parseColor, toHex, type Rgb } from '../../env/colors.ts';
import type { ObsElement } from '../../env/observation.ts';
import { ExpertConfusedError, type Expert } from '../expert.ts';
import { act, byRole, firstElement, need, taskArea, textFields, textOf } from '../find.ts';

/** A colour field takes a typed hex colour (jscolor's input does too), then Submit. */
function enter(task: string, root: ObsElement, hex: string, thought: string): PolicyStep {
  const area = taskArea(root);
  const field = need(task, textFields(area)[0], 'the colour field');
  if ((field.value ?? '').toLowerCase() !== hex) return { thought, action: act.fill(field, hex) };
  const submit = need(
    task,
    firstElement(area, (e) => byRole('button')(e) && textOf(e) === 'Submit'),
    'Submit',
  );
  return { thought: `The field holds ${hex}; I submit.`, action: act.click(submit) };
}

function named(utterance: string): Rgb {
  const name = /Select (.+?) with the color picker/.exec(utterance)?.[1] ?? '';
  const rgb = parseColor(name);
  if (!rgb) throw new ExpertConfusedError('use-colorwheel', `cannot tell which colour "${name}" is`);
  return rgb;
}

/** The swatch in the query box: the one painted element outside the task area. */
function shown(root: ObsElement): Rgb {
  const query = firstElement(root, (e) => e.attributes.id === 'query') ?? root;
  const swatch = firstElement(query, (e) => e.visual?.background !== undefined);
  const rgb = swatch ? parseColor(swatch.visual?.background ?? '') : null;
  if (!rgb) throw new ExpertConfusedError('use-colorwheel-2', 'cannot find the colour to match in the query');
  return rgb;
}

/** Not a colour at all: the one entry that earns -1 (any colour earns some partial credit). */
const NO_COLOR = 'none';

export const useColorwheelExperts: Expert[] = [
  {
    task: 'use-colorwheel',
    solve: ({ observation }) => {
      const hex = toHex(named(observation.utterance));
      return enter('use-colorwheel', observation.tree, hex, `That colour is #${hex}; I type it.`);
    },
    wrong: ({ observation }) =>
      enter('use-colorwheel', observation.tree, NO_COLOR, 'I type something that is no colour.'),
  },
  {
    task: 'use-colorwheel-2',
    solve: ({ observation }) => {
      const hex = toHex(shown(observation.tree));
      return enter('use-colorwheel-2', observation.tree, hex, `The swatch is #${hex}; I type it.`);
    },
    wrong: ({ observation }) =>
      enter('use-colorwheel-2', observation.tree, NO_COLOR, 'I type something that is no colour.'),
  },
];
