import { h, setVisible } from '../core/dom.ts';
import type { Random } from '../../core/random.ts';
import { defineTask, type TaskContext } from '../core/task.ts';
import { FIRST_NAMES } from '../core/words.ts';

/** A file, or a folder when it has a list of children (possibly empty). */
interface TreeNode {
  name: string;
  children?: TreeNode[];
}

const MAX_NODES = 8;

/** Every node in pre-order. */
const allNodes = (tree: TreeNode[]): TreeNode[] => tree.flatMap((node) => [node, ...(node.children ?? [])]);

/** At most eight uniquely named nodes, two levels deep, with at least two files. */
function generateTree(random: Random): TreeNode[] {
  for (;;) {
    const names = random.sample(FIRST_NAMES, MAX_NODES);
    const topCount = random.int(2, 4);
    let used = topCount;
    const tree: TreeNode[] = [];
    for (let i = 0; i < topCount; i++) {
      const name = names[i] as string;
      if (!random.chance(0.6)) {
        tree.push({ name });
        continue;
      }
      const childCount = Math.min(random.int(0, 3), MAX_NODES - used);
      const children = names.slice(used, used + childCount).map((child) => ({
        name: child,
        children: random.chance(0.2) ? [] : undefined,
      }));
      used += childCount;
      tree.push({ name, children });
    }
    if (allNodes(tree).filter((node) => !node.children).length >= 2) return tree;
  }
}

const TREE_CSS = `
#tree, #tree ul { list-style: none; margin: 0; padding: 0 0 0 14px; }
#tree .folder, #tree .file { cursor: pointer; padding-left: 2px; }
#tree .folder::before { content: '📁 '; }
#tree .file::before { content: '📄 '; }
#tree .hitarea { float: left; width: 10px; margin-left: -12px; cursor: pointer; }
`;

/**
 * A jquery.treeview file tree, every folder collapsed: `li > div.hitarea + span.folder + ul` and
 * `li > span.file`. Clicking a folder's name or hitarea opens or closes it. Clicking the named
 * file or folder succeeds; clicking any other file fails.
 */
function renderTree(ctx: TaskContext, nodes: TreeNode[], target: string): HTMLUListElement {
  const list = h(ctx.doc, 'ul');
  nodes.forEach((node, i) => {
    const last = i === nodes.length - 1;
    const label = h(ctx.doc, 'span', { class: node.children ? 'folder' : 'file' }, node.name);
    const item = h(ctx.doc, 'li', {}, label);
    if (node.children) {
      const hitarea = h(ctx.doc, 'div', {});
      const children = renderTree(ctx, node.children, target);
      let expanded = false;
      const setExpanded = (value: boolean): void => {
        expanded = value;
        const state = expanded ? 'collapsable' : 'expandable';
        const lastState = `last${state[0]?.toUpperCase()}${state.slice(1)}`;
        item.className = last ? `${state} ${lastState}` : state;
        hitarea.className = `hitarea ${state}-hitarea`;
        setVisible(children, expanded);
      };
      const toggle = (): void => setExpanded(!expanded);
      hitarea.addEventListener('click', toggle);
      label.addEventListener('click', toggle);
      item.prepend(hitarea);
      item.append(children);
      setExpanded(false);
    } else if (last) {
      item.className = 'last';
    }
    label.addEventListener('click', () => {
      if (node.name === target) ctx.succeed();
      else if (!node.children) ctx.fail(`clicked the file "${node.name}"`);
    });
    list.append(item);
  });
  return list;
}

export const navigateTree = defineTask({
  name: 'navigate-tree',
  description: 'Open folders of a file tree to find and click the named file or folder.',
  css: TREE_CSS,
  generate(ctx) {
    const tree = generateTree(ctx.random);
    const target = ctx.random.pick(allNodes(tree)).name;
    ctx.setUtterance(
      `Navigate through the file tree. Find and click on the folder or file named "${target}".`,
    );
    const root = renderTree(ctx, tree, target);
    root.id = 'tree';
    root.className = 'filetree treeview';
    ctx.area.append(root);
  },
});
