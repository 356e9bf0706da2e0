import { describe, expect, it } from 'vitest';
import { DomPageHost } from '../../src/env/dom-host.ts';
import { TaskEnv } from '../../src/env/env.ts';
import { EXPERTS } from '../../src/experts/registry.ts';
import { BUILT_IN_TASKS } from '../../src/tasks/registry.ts';
import { describeTaskChecks } from '../task-checks.ts';

/** Every built-in task that runs without layout, checked on happy-dom. LAB_TASKS=a,b narrows the list. */
const only = process.env.LAB_TASKS?.split(',').filter(Boolean);
const tasks = BUILT_IN_TASKS.filter((t) => !t.needsCoordinates && (!only || only.includes(t.name)));

describe('the registry', () => {
  it('pairs every built-in task with exactly one expert', () => {
    expect(BUILT_IN_TASKS.map((t) => t.name).sort()).toEqual(EXPERTS.map((e) => e.task).sort());
  });
});

describeTaskChecks(tasks, (task) => new TaskEnv(new DomPageHost(task), {}, task));
