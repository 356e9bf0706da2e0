import type { RegisteredTask } from '../core/task.ts';
import { clickButton } from './click-button.ts';
import { clickTest } from './click-test.ts';

export const clickTasks: RegisteredTask[] = [clickTest, clickButton];
