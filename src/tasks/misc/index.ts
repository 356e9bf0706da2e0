import type { RegisteredTask } from '../core/task.ts';
import { copyPaste, copyPaste2 } from './copy-paste.ts';

export const miscTasks: RegisteredTask[] = [copyPaste, copyPaste2];
