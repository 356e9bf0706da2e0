import type { RegisteredTask } from '../core/task.ts';
import { emailInboxTasks } from './email-inbox.ts';

export const appTasks: RegisteredTask[] = [...emailInboxTasks];
