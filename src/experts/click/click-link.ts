import type { Expert } from '../expert.ts';
import { act, allElements, need, quoted, taskArea, textOf } from '../find.ts';
import type { ObsElement } from '../../env/observation.ts';

/** Links in the text: real links, or the `alink` spans MiniWoB++ pages style as links. */
function links(tree: ObsElement): ObsElement[] {
  return allElements(
    taskArea(tree),
    (e) => e.role === 'link' || (e.attributes.class ?? '').split(' ').includes('alink'),
  );
}

export const clickLinkExpert: Expert = {
  task: 'click-link',
  solve({ observation }) {
    const [target = ''] = quoted(observation.utterance);
    const link = need(
      'click-link',
      links(observation.tree).find((e) => textOf(e) === target),
      `the link "${target}"`,
    );
    return { thought: `I click the link "${target}" in the text.`, action: act.click(link) };
  },
  wrong({ observation }) {
    const [target = ''] = quoted(observation.utterance);
    const other = need(
      'click-link',
      links(observation.tree).find((e) => textOf(e) !== target),
      'another link',
    );
    return { thought: `I click the link "${textOf(other)}" instead.`, action: act.click(other) };
  },
};
