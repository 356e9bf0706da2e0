import type { PolicyStep, StepView } from '../../env/episode.ts';
import type { ObsElement } from '../../env/observation.ts';
import type { Expert } from '../expert.ts';
import { act, allElements, byRole, need, quoted, taskArea, textOf } from '../find.ts';
import { proseLink, tabTarget } from './find-widgets.ts';

/**
 * Looks through the tabs one by one: clicks the link once the open panel shows it, else opens the
 * first tab not yet looked at. `memory.searched` holds the tabs already seen.
 */
function searchTabs(task: string, view: StepView, wanted: string, link?: ObsElement): PolicyStep {
  if (link) return { thought: `The link "${textOf(link)}" is in view; I click it.`, action: act.click(link) };
  const tabs = allElements(taskArea(view.observation.tree), byRole('tab'));
  const searched = (view.memory.searched ??= []) as string[];
  const open = tabs.find((t) => t.attributes['aria-selected'] === 'true');
  if (open && !searched.includes(textOf(open))) searched.push(textOf(open));
  const next = need(
    task,
    tabs.find((t) => !searched.includes(textOf(t))),
    `a tab holding ${wanted}`,
  );
  return {
    thought: `The open tab does not show ${wanted}; I switch to ${textOf(next)}.`,
    action: act.click(tabTarget(next)),
  };
}

function tabSearchExpert(task: string): Expert {
  return {
    task,
    solve(view) {
      const [target = ''] = quoted(view.observation.utterance);
      const link = proseLink(taskArea(view.observation.tree), target);
      return searchTabs(task, view, `the link "${target}"`, link);
    },
    wrong(view) {
      const [target = ''] = quoted(view.observation.utterance);
      const link = proseLink(taskArea(view.observation.tree), target, false);
      return searchTabs(task, view, 'a link other than the one asked for', link);
    },
  };
}

export const clickTab2Experts: Expert[] = [
  'click-tab-2',
  'click-tab-2-easy',
  'click-tab-2-medium',
  'click-tab-2-hard',
].map(tabSearchExpert);
