import { defineTask, type RegisteredTask } from '../core/task.ts';
import { ACCORDION_CSS, buildAccordion } from './accordion.ts';
import { ACCORDION_DELAY_MS } from './delays.ts';
import { LINK_CSS, linkedProse } from './links.ts';

/** Three closed sections of prose with links; open them to find and click the named link. */
function clickCollapsible2Task(name: string, openDelayMs: number): RegisteredTask {
  return defineTask({
    name,
    description: 'Expand sections to find and click the named link.',
    css: `${ACCORDION_CSS}\n${LINK_CSS}`,
    generate(ctx) {
      const { panels, target } = linkedProse(ctx, 3);
      ctx.setUtterance(`Expand the sections below, to find and click on the link "${target}".`);
      const sections = panels.map((content, i) => ({ title: `Section #${i + 1}`, content }));
      buildAccordion(ctx, sections, openDelayMs);
    },
  });
}

export const clickCollapsible2 = clickCollapsible2Task('click-collapsible-2', ACCORDION_DELAY_MS);
export const clickCollapsible2Nodelay = clickCollapsible2Task('click-collapsible-2-nodelay', 0);
