import { h, setVisible } from '../core/dom.ts';
import { defineTask } from '../core/task.ts';
import { buildMenu, MENU_CSS, type MenuEntry } from './menu.ts';

const PLAYBACK: MenuEntry[] = [
  { label: 'Prev', icon: 'ui-icon-seek-start' },
  { label: 'Stop', icon: 'ui-icon-stop' },
  { label: 'Play', icon: 'ui-icon-play' },
  { label: 'Next', icon: 'ui-icon-seek-end' },
];

/** The jQuery UI icon-menu demo the official page uses. */
const MENU: MenuEntry[] = [
  { label: 'Save', icon: 'ui-icon-disk' },
  { label: 'Zoom In', icon: 'ui-icon-zoomin' },
  { label: 'Zoom Out', icon: 'ui-icon-zoomout' },
  { label: 'Playback', children: PLAYBACK },
];

const TARGETS = [...MENU.filter((entry) => !entry.children), ...PLAYBACK];

/**
 * A "Menu" button opens a menu with icons and a Playback submenu: click the item named by its label
 * or shown by its icon. The icon stands in the instruction as on the official page, an icon element
 * in the query box (the text reads "with the icon"). Any other item fails.
 */
export const clickMenu2 = defineTask({
  name: 'click-menu-2',
  description: 'Open the menu and click the item with the given label or icon.',
  css: MENU_CSS + '#menu { width: 80px; } #menu .ui-menu { width: 60px; } #query .ui-icon { margin: 0 2px; }',
  generate(ctx) {
    const target = ctx.random.pick(TARGETS);
    const byIcon = ctx.random.chance(0.5);
    const start = 'Click the "Menu" button, and then find and click on the item';
    if (byIcon) {
      ctx.setUtterance(`${start} with the icon.`);
      const query = ctx.doc.getElementById('query');
      query?.replaceChildren(
        `${start} with the `,
        h(ctx.doc, 'span', { class: `ui-icon ${target.icon}` }),
        ' icon.',
      );
    } else {
      ctx.setUtterance(`${start} labeled "${target.label}".`);
    }

    const menu = buildMenu(ctx, MENU, (entry) => {
      setVisible(menu, false);
      if (entry === target) ctx.succeed();
      else ctx.fail(`clicked ${entry.label}`);
    });
    menu.id = 'menu';
    setVisible(menu, false);
    const button = h(ctx.doc, 'button', { id: 'open-menu', type: 'button' }, 'Menu');
    button.addEventListener('click', () => setVisible(menu, menu.style.display === 'none'));
    ctx.area.append(button, menu);
  },
});
