/** The lab's pages. Only the ones that exist are reachable; the others are named so the plan is visible. */
export interface LabPage {
  readonly id: 'tasks' | 'data' | 'train' | 'sweeps' | 'results';
  readonly label: string;
  /** What the page is for, shown as its tooltip. */
  readonly purpose: string;
  readonly ready: boolean;
}

export const LAB_PAGES: readonly LabPage[] = [
  {
    id: 'tasks',
    label: 'Tasks',
    purpose: 'Play a task, see what the agent sees, step an expert.',
    ready: true,
  },
  { id: 'data', label: 'Data', purpose: 'Collect teacher traces.', ready: true },
  { id: 'train', label: 'Train', purpose: 'One SFT + RL run with live curves.', ready: true },
  { id: 'sweeps', label: 'Sweeps', purpose: 'Define, run and resume sweeps.', ready: true },
  { id: 'results', label: 'Results', purpose: 'Bootstrap plots, Pareto frontier, export.', ready: true },
];

export type LabPageId = LabPage['id'];

/** The page a location hash names ("#train"), or the Tasks page for any other. */
export function pageFromHash(hash: string): LabPageId {
  const id = hash.replace(/^#\/?/, '');
  return LAB_PAGES.find((page) => page.id === id && page.ready)?.id ?? 'tasks';
}
