import type { Expert } from '../expert.ts';
import { clickCheckboxesLargeExpert } from './click-checkboxes-large.ts';
import { clickCheckboxesSoftExpert } from './click-checkboxes-soft.ts';
import { clickCheckboxesExpert, clickCheckboxesTransferExpert } from './click-checkboxes.ts';

export const checkboxExperts: Expert[] = [
  clickCheckboxesExpert,
  clickCheckboxesSoftExpert,
  clickCheckboxesLargeExpert,
  clickCheckboxesTransferExpert,
];
