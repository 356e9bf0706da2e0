import { appTasks } from './apps/index.ts';
import { checkboxTasks } from './checkboxes/index.ts';
import { clickTasks } from './click/index.ts';
import { coordinateTasks } from './coordinates/index.ts';
import type { RegisteredTask } from './core/task.ts';
import { dragTasks } from './drag/index.ts';
import { formTasks } from './forms/index.ts';
import { miscTasks } from './misc/index.ts';
import { reasoningTasks } from './reasoning/index.ts';
import { textTasks } from './text/index.ts';
import { visualTasks } from './visual/index.ts';
import { widgetTasks } from './widgets/index.ts';

export interface TaskFamily {
  readonly name: string;
  readonly tasks: readonly RegisteredTask[];
}

/** The built-in tasks by family. A task module never imports the env, the model or the UI. */
export const TASK_FAMILIES: readonly TaskFamily[] = [
  { name: 'Click', tasks: clickTasks },
  { name: 'Checkboxes', tasks: checkboxTasks },
  { name: 'Widgets', tasks: widgetTasks },
  { name: 'Text', tasks: textTasks },
  { name: 'Forms', tasks: formTasks },
  { name: 'Reasoning', tasks: reasoningTasks },
  { name: 'Misc', tasks: miscTasks },
  { name: 'Coordinates', tasks: coordinateTasks },
  { name: 'Drag', tasks: dragTasks },
  { name: 'Apps', tasks: appTasks },
  { name: 'Visual', tasks: visualTasks },
];

export const BUILT_IN_TASKS: readonly RegisteredTask[] = TASK_FAMILIES.flatMap((family) => family.tasks);

const byName = new Map(BUILT_IN_TASKS.map((task) => [task.name, task]));
if (byName.size !== BUILT_IN_TASKS.length) throw new Error('Two built-in tasks share a name.');

const familyByTask = new Map(TASK_FAMILIES.flatMap((f) => f.tasks.map((t) => [t.name, f.name] as const)));

export function familyOf(name: string): string | undefined {
  return familyByTask.get(name);
}

export function findTask(name: string): RegisteredTask | undefined {
  return byName.get(name);
}

export function getTask(name: string): RegisteredTask {
  const task = byName.get(name);
  if (!task) {
    throw new Error(`No built-in task named "${name}". Built-in tasks: ${[...byName.keys()].join(', ')}.`);
  }
  return task;
}
