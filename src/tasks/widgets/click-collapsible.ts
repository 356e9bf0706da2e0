import { h } from '../core/dom.ts';
import { defineTask, type RegisteredTask } from '../core/task.ts';
import { ACCORDION_CSS, buildAccordion } from './accordion.ts';
import { ACCORDION_DELAY_MS } from './delays.ts';
import { loremWords } from '../core/lorem.ts';

/** One closed section and a Submit button: Submit counts only while the section is open. */
function clickCollapsibleTask(name: string, openDelayMs: number): RegisteredTask {
  return defineTask({
    name,
    description: 'Expand the section, then click Submit.',
    css: ACCORDION_CSS,
    generate(ctx) {
      ctx.setUtterance('Expand the section below and click submit.');
      const title = `Section #${ctx.random.int(1, 50)}`;
      buildAccordion(ctx, [{ title, content: [loremWords(ctx.random, 20).join(' ')] }], openDelayMs);
      const submit = h(ctx.doc, 'button', { id: 'subbtn', class: 'secondary-action' }, 'Submit');
      const margin = `margin: ${ctx.random.int(0, 40)}px ${ctx.random.int(0, 40)}px`;
      ctx.area.append(h(ctx.doc, 'p', { style: margin }, h(ctx.doc, 'br'), submit));
      submit.addEventListener('click', () => {
        const panels = Array.from(ctx.area.querySelectorAll<HTMLElement>('.ui-accordion-content'));
        const open = panels.filter((panel) => panel.style.display !== 'none').length;
        if (open === 1) ctx.succeed();
        else ctx.fail('the section was not expanded');
      });
    },
  });
}

export const clickCollapsible = clickCollapsibleTask('click-collapsible', ACCORDION_DELAY_MS);
export const clickCollapsibleNodelay = clickCollapsibleTask('click-collapsible-nodelay', 0);
