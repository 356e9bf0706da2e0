import type { RegisteredTask } from '../core/task.ts';
import { chooseDate, chooseDateEasy, chooseDateMedium, chooseDateNodelay } from './choose-date.ts';
import { emailInboxTasks } from './email-inbox.ts';

export const appTasks: RegisteredTask[] = [
  ...emailInboxTasks,
  chooseDate,
  chooseDateEasy,
  chooseDateMedium,
  chooseDateNodelay,
];
