import { h, setVisible, type Child } from '../core/dom.ts';
import type { TaskContext } from '../core/task.ts';

export const TAB_CSS = '#area li { width: 40px; } #area .ui-tabs-anchor { padding: 5px; }';

/**
 * A jQuery UI tab widget in the task area, built as the official pages have it: a `ul` of tabs
 * (`li[role=tab] > a[href="#tabs-N"]` labelled "Tab #N") and one panel `div#tabs-N` per tab, where
 * only the active panel is displayed. Clicking a tab shows its panel; `onTab` hears every click.
 */
export function buildTabs(
  ctx: TaskContext,
  panels: Child[][],
  options: { active?: number; onTab?: (index: number) => void } = {},
): void {
  const doc = ctx.doc;
  ctx.area.className = 'ui-tabs ui-widget ui-widget-content ui-corner-all';
  const nav = h(doc, 'ul', {
    role: 'tablist',
    class: 'ui-tabs-nav ui-helper-reset ui-helper-clearfix ui-widget-header ui-corner-all',
  });
  const tabs: HTMLElement[] = [];
  const panelElements: HTMLElement[] = [];

  const activate = (index: number): void => {
    tabs.forEach((tab, i) => {
      const active = i === index;
      tab.classList.toggle('ui-tabs-active', active);
      tab.classList.toggle('ui-state-active', active);
      tab.setAttribute('aria-selected', String(active));
      tab.setAttribute('aria-expanded', String(active));
      tab.tabIndex = active ? 0 : -1;
    });
    panelElements.forEach((panel, i) => {
      panel.setAttribute('aria-hidden', String(i !== index));
      setVisible(panel, i === index);
    });
  };

  panels.forEach((children, i) => {
    const id = `tabs-${i + 1}`;
    const labelId = `ui-id-${i + 1}`;
    const anchor = h(
      doc,
      'a',
      { href: `#${id}`, role: 'presentation', tabindex: -1, class: 'ui-tabs-anchor', id: labelId },
      `Tab #${i + 1}`,
    );
    const tab = h(
      doc,
      'li',
      {
        role: 'tab',
        class: 'ui-tabs-tab ui-corner-top ui-state-default ui-tab',
        'aria-controls': id,
        'aria-labelledby': labelId,
      },
      anchor,
    );
    // The anchor fills its tab, so a click anywhere on the tab is a click on the anchor.
    tab.addEventListener('click', (event) => {
      event.preventDefault();
      activate(i);
      options.onTab?.(i);
    });
    tabs.push(tab);
    nav.append(tab);
    panelElements.push(
      h(
        doc,
        'div',
        {
          id,
          role: 'tabpanel',
          'aria-labelledby': labelId,
          class: 'ui-tabs-panel ui-corner-bottom ui-widget-content',
        },
        h(doc, 'p', {}, ...children),
      ),
    );
  });
  ctx.area.append(nav, ...panelElements);
  activate(options.active ?? 0);
}
