import type { RegisteredTask } from '../core/task.ts';
import { clickShape } from './click-shape.ts';
import { countShape } from './count-shape.ts';
import { identifyShape } from './identify-shape.ts';

export const visualTasks: RegisteredTask[] = [clickShape, countShape, identifyShape];
