import type { PolicyStep } from '../../env/episode.ts';
import type { ObsElement } from '../../env/observation.ts';
import type { Expert } from '../expert.ts';
import { act, allElements, firstElement, need, quoted, taskArea, textOf } from '../find.ts';
import { hasClass } from './find-widgets.ts';

const TASK = 'navigate-tree';

/** Clicks `label` if given, else opens the first collapsed folder (`li.expandable > span.folder`). */
function clickOrExplore(area: ObsElement, wanted: string, label?: ObsElement): PolicyStep {
  if (label) return { thought: `"${textOf(label)}" is in view; I click it.`, action: act.click(label) };
  const collapsed = need(
    TASK,
    firstElement(area, (e) => e.tag === 'li' && hasClass('expandable')(e)),
    `a closed folder that may hold ${wanted}`,
  );
  const folder = need(TASK, firstElement(collapsed, hasClass('folder')), 'the name of a closed folder');
  return {
    thought: `I cannot see ${wanted} yet; I open the folder "${textOf(folder)}".`,
    action: act.click(folder),
  };
}

const labels = (area: ObsElement): ObsElement[] =>
  allElements(area, (e) => hasClass('file')(e) || hasClass('folder')(e));

export const navigateTreeExpert: Expert = {
  task: TASK,
  solve({ observation }) {
    const [target = ''] = quoted(observation.utterance);
    const area = taskArea(observation.tree);
    return clickOrExplore(
      area,
      `"${target}"`,
      labels(area).find((l) => textOf(l) === target),
    );
  },
  wrong({ observation }) {
    const [target = ''] = quoted(observation.utterance);
    const area = taskArea(observation.tree);
    const otherFile = labels(area).find((l) => hasClass('file')(l) && textOf(l) !== target);
    return clickOrExplore(area, 'a file other than the one asked for', otherFile);
  },
};
