import type { RegisteredTask } from '../core/task.ts';
import { clickCheckboxesLarge } from './click-checkboxes-large.ts';
import { clickCheckboxesSoft } from './click-checkboxes-soft.ts';
import { clickCheckboxesTransfer } from './click-checkboxes-transfer.ts';
import { clickCheckboxes } from './click-checkboxes.ts';

export const checkboxTasks: RegisteredTask[] = [
  clickCheckboxes,
  clickCheckboxesSoft,
  clickCheckboxesLarge,
  clickCheckboxesTransfer,
];
