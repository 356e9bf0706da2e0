import { h, setVisible, type Child } from '../core/dom.ts';
import type { TaskContext } from '../core/task.ts';

export const ACCORDION_CSS = `
#area h3 { background: #007fff; border: 1px solid #003eff; border-radius: 3px; color: #fff; cursor: pointer; font-weight: normal; margin: 2px; padding: 1px; }
#area div { margin: 2px; }
#area .ui-accordion-content { border: 1px solid #ccc; border-top: 0; padding: 1px; }
`;

export interface Section {
  title: string;
  content: Child[];
}

/**
 * A collapsible jQuery UI accordion in the task area, all sections closed: `h3[role=tab]` headers
 * with aria-expanded, each followed by its `div.ui-accordion-content` panel. Clicking a header opens
 * its panel (closing any other) or closes it again. With `openDelayMs` > 0 an opening panel stays
 * hidden for that long, as while the official page animates it, so an agent has to look again.
 */
export function buildAccordion(ctx: TaskContext, sections: Section[], openDelayMs: number): void {
  const doc = ctx.doc;
  ctx.area.className = 'ui-accordion ui-widget ui-helper-reset';
  ctx.area.setAttribute('role', 'tablist');
  const headers: HTMLElement[] = [];
  const panels: HTMLElement[] = [];
  let open: number | null = null;
  // Bumped on every click, so a late animation never opens a panel that was closed meanwhile.
  let generation = 0;

  const show = (index: number | null): void => {
    headers.forEach((header, i) => {
      const expanded = i === index;
      header.setAttribute('aria-expanded', String(expanded));
      header.setAttribute('aria-selected', String(expanded));
      header.classList.toggle('ui-state-active', expanded);
      header.classList.toggle('ui-accordion-header-collapsed', !expanded);
    });
    panels.forEach((panel, i) => {
      if (i === index) return;
      setVisible(panel, false);
      panel.setAttribute('aria-hidden', 'true');
    });
  };
  const reveal = (index: number): void => {
    const panel = panels[index] as HTMLElement;
    setVisible(panel, true);
    panel.setAttribute('aria-hidden', 'false');
  };

  sections.forEach((section, i) => {
    const header = h(
      doc,
      'h3',
      {
        role: 'tab',
        id: `ui-id-${2 * i + 1}`,
        'aria-controls': `ui-id-${2 * i + 2}`,
        tabindex: i === 0 ? 0 : -1,
        class: 'ui-accordion-header ui-corner-top ui-state-default ui-corner-all',
      },
      h(doc, 'span', { class: 'ui-accordion-header-icon ui-icon ui-icon-triangle-1-e' }),
      section.title,
    );
    const panel = h(
      doc,
      'div',
      {
        role: 'tabpanel',
        id: `ui-id-${2 * i + 2}`,
        'aria-labelledby': `ui-id-${2 * i + 1}`,
        class: 'ui-accordion-content ui-corner-bottom ui-helper-reset ui-widget-content',
      },
      ...section.content,
    );
    header.addEventListener('click', () => {
      const ticket = ++generation;
      open = open === i ? null : i;
      show(open);
      if (open === null) return;
      if (openDelayMs <= 0) reveal(i);
      else
        ctx.setTimeout(() => {
          if (ticket === generation) reveal(i);
        }, openDelayMs);
    });
    headers.push(header);
    panels.push(panel);
    ctx.area.append(header, panel);
  });
  show(null);
}
