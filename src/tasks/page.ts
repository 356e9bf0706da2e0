import { installTask } from './core/runtime.ts';
import { findTask } from './registry.ts';

/**
 * The page of one built-in task, `task.html?task=NAME`: it installs the task and the MiniWob++
 * protocol on its own window, so the environment drives it exactly like an official page.
 */
const name = new URLSearchParams(location.search).get('task') ?? '';
const task = findTask(name);
if (task) {
  installTask(window, task);
} else {
  document.body.textContent = `No built-in task named "${name}". Open task.html?task=click-test, for example.`;
  throw new Error(`task.html: no built-in task named "${name}"`);
}
