import type { RegisteredTask } from '../core/task.ts';

export const checkboxTasks: RegisteredTask[] = [];
