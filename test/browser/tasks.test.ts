import { afterEach, describe } from 'vitest';
import { TaskEnv } from '../../src/env/env.ts';
import { IframePageHost, taskPageUrl } from '../../src/env/iframe-host.ts';
import { BUILT_IN_TASKS } from '../../src/tasks/registry.ts';
import { describeTaskChecks } from '../task-checks.ts';

/** The tasks that need layout (coordinates, drag), checked on their pages in real iframes. */
const tasks = BUILT_IN_TASKS.filter((t) => t.needsCoordinates);
const envs: TaskEnv[] = [];
afterEach(() => envs.splice(0).forEach((env) => env.dispose()));

describe('tasks that need layout', { timeout: 60_000 }, () => {
  describeTaskChecks(tasks, (task) => {
    const env = new TaskEnv(new IframePageHost(taskPageUrl(task.name), document.body, task.name), {}, task);
    envs.push(env);
    return env;
  });
});
