import { appExperts } from './apps/index.ts';
import { checkboxExperts } from './checkboxes/index.ts';
import { clickExperts } from './click/index.ts';
import { coordinateExperts } from './coordinates/index.ts';
import { dragExperts } from './drag/index.ts';
import type { Expert } from './expert.ts';
import { formExperts } from './forms/index.ts';
import { miscExperts } from './misc/index.ts';
import { reasoningExperts } from './reasoning/index.ts';
import { textExperts } from './text/index.ts';
import { visualExperts } from './visual/index.ts';
import { widgetExperts } from './widgets/index.ts';

export const EXPERTS: readonly Expert[] = [
  ...clickExperts,
  ...checkboxExperts,
  ...widgetExperts,
  ...textExperts,
  ...formExperts,
  ...reasoningExperts,
  ...miscExperts,
  ...coordinateExperts,
  ...dragExperts,
  ...appExperts,
  ...visualExperts,
];

const byTask = new Map(EXPERTS.map((expert) => [expert.task, expert]));

export function findExpert(task: string): Expert | undefined {
  return byTask.get(task);
}

export function getExpert(task: string): Expert {
  const expert = byTask.get(task);
  if (!expert)
    throw new Error(`No expert for task "${task}". Experts exist for: ${[...byTask.keys()].join(', ')}.`);
  return expert;
}
