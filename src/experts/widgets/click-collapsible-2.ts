import type { PolicyStep, StepView } from '../../env/episode.ts';
import type { ObsElement } from '../../env/observation.ts';
import type { Expert } from '../expert.ts';
import { act, allElements, byRole, firstElement, need, quoted, taskArea, textOf } from '../find.ts';
import { hasClass, isExpanded, proseLink, waitStep } from './find-widgets.ts';

/**
 * Opens the sections one by one: clicks the link once an open panel shows it, waits while a section
 * is still opening, else opens the first section not yet looked at (`memory.searched`).
 */
function searchSections(
  task: string,
  view: StepView,
  wanted: string,
  link?: ObsElement,
  animated = task === 'click-collapsible-2',
): PolicyStep {
  if (link) {
    // On an animated accordion (the official page's), the section just clicked may still be sliding
    // when its link shows. Clicking the link then ends the episode mid-animation, and the page throws
    // once the animation finishes on a panel the next episode has removed; so I let it settle first.
    const last = view.history.at(-1);
    if (animated && last !== undefined && !last.startsWith('noop(') && last !== act.click(link)) {
      return waitStep(view.history, 'The section may still be sliding open; I let it settle.');
    }
    return { thought: `The link "${textOf(link)}" is in view; I click it.`, action: act.click(link) };
  }
  const area = taskArea(view.observation.tree);
  const headers = allElements(area, byRole('tab'));
  const open = headers.find(isExpanded);
  const panelShown = firstElement(area, hasClass('ui-accordion-content')) !== undefined;
  if (open && !panelShown) return waitStep(view.history, `${textOf(open)} is still opening; I wait for it.`);
  const searched = (view.memory.searched ??= []) as string[];
  if (open && !searched.includes(textOf(open))) searched.push(textOf(open));
  const next = need(
    task,
    headers.find((header) => !searched.includes(textOf(header))),
    `a section holding ${wanted}`,
  );
  return {
    thought: `No open section shows ${wanted}; I expand ${textOf(next)}.`,
    action: act.click(next),
  };
}

function clickCollapsible2Expert(task: string): Expert {
  return {
    task,
    solve(view) {
      const [target = ''] = quoted(view.observation.utterance);
      const link = proseLink(taskArea(view.observation.tree), target);
      return searchSections(task, view, `the link "${target}"`, link);
    },
    wrong(view) {
      const [target = ''] = quoted(view.observation.utterance);
      const link = proseLink(taskArea(view.observation.tree), target, false);
      return searchSections(task, view, 'a link other than the one asked for', link);
    },
  };
}

export const clickCollapsible2Experts: Expert[] = ['click-collapsible-2', 'click-collapsible-2-nodelay'].map(
  clickCollapsible2Expert,
);
