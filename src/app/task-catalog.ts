import { findExpert } from '../experts/registry.ts';
import type { RegisteredTask } from '../tasks/core/task.ts';
import { BUILT_IN_TASKS, familyOf, TASK_FAMILIES } from '../tasks/registry.ts';
import { PAPER_TEST_TASKS, PAPER_TRAIN_TASKS } from '../tasks/splits.ts';

export type TaskSource = 'built-in' | 'official';

/** A task the Tasks page can open: a built-in task or a page of the user's official folder. */
export interface CatalogTask {
  /** Unique across sources: `built-in:click-button`, `official:click-button`. */
  readonly key: string;
  readonly name: string;
  readonly source: TaskSource;
  readonly description: string;
  readonly family: string;
  /** Registry facts; official pages have none. */
  readonly meta: RegisteredTask | null;
  readonly hasExpert: boolean;
  /** Where the paper puts the task: trained on, held out, or neither. */
  readonly paperSplit: 'train' | 'test' | null;
}

export interface TaskGroup {
  readonly label: string;
  readonly tasks: readonly CatalogTask[];
}

function paperSplitOf(name: string): CatalogTask['paperSplit'] {
  if (PAPER_TRAIN_TASKS.includes(name)) return 'train';
  if (PAPER_TEST_TASKS.includes(name)) return 'test';
  return null;
}

export function builtInTask(task: RegisteredTask): CatalogTask {
  return {
    key: `built-in:${task.name}`,
    name: task.name,
    source: 'built-in',
    description: task.description,
    family: familyOf(task.name) ?? 'Other',
    meta: task,
    hasExpert: findExpert(task.name) !== undefined,
    paperSplit: paperSplitOf(task.name),
  };
}

export function officialTask(name: string): CatalogTask {
  return {
    key: `official:${name}`,
    name,
    source: 'official',
    description: 'The official MiniWob++ page, served from your folder.',
    family: 'Official MiniWob++',
    meta: null,
    hasExpert: findExpert(name) !== undefined,
    paperSplit: paperSplitOf(name),
  };
}

/** Every task that can be opened now: the built-in suite, then the official pages if a folder is set. */
export function catalog(officialNames: readonly string[]): CatalogTask[] {
  return [...BUILT_IN_TASKS.map(builtInTask), ...officialNames.map(officialTask)];
}

/** Keeps the tasks whose name or description holds every word of the query. */
export function searchTasks(tasks: readonly CatalogTask[], query: string): CatalogTask[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return tasks.filter((task) => {
    const haystack = `${task.name} ${task.description} ${task.family}`.toLowerCase();
    return words.every((word) => haystack.includes(word));
  });
}

/** Groups by family in the registry's order (official pages last), names sorted within a group. */
export function groupTasks(tasks: readonly CatalogTask[]): TaskGroup[] {
  const order = [...TASK_FAMILIES.map((family) => family.name), 'Other', 'Official MiniWob++'];
  return order
    .map((label) => ({
      label,
      tasks: tasks.filter((t) => t.family === label).sort((a, b) => a.name.localeCompare(b.name)),
    }))
    .filter((group) => group.tasks.length > 0);
}
