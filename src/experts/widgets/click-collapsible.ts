import type { Expert } from '../expert.ts';
import { act, byRole, firstElement, need, taskArea, textOf } from '../find.ts';
import { hasClass, isExpanded, submitButton, waitStep } from './find-widgets.ts';

/** Opens the section, waits until its panel shows (it may animate open), then submits. */
function clickCollapsibleExpert(task: string): Expert {
  return {
    task,
    solve({ observation, history }) {
      const area = taskArea(observation.tree);
      const submit = submitButton(task, area);
      if (firstElement(area, hasClass('ui-accordion-content'))) {
        return { thought: 'The section is expanded; I click Submit.', action: act.click(submit) };
      }
      const header = need(task, firstElement(area, byRole('tab')), 'the section header');
      if (isExpanded(header)) return waitStep(history, 'The section is still opening; I wait for it.');
      return { thought: `I expand "${textOf(header)}" first.`, action: act.click(header) };
    },
    wrong({ observation }) {
      const submit = submitButton(task, taskArea(observation.tree));
      return { thought: 'I click Submit without expanding the section.', action: act.click(submit) };
    },
  };
}

export const clickCollapsibleExperts: Expert[] = ['click-collapsible', 'click-collapsible-nodelay'].map(
  clickCollapsibleExpert,
);
