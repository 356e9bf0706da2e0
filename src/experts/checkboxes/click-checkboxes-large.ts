import { clickCheckboxesLarge } from '../../tasks/checkboxes/click-checkboxes-large.ts';
import { selectByNameExpert } from './click-checkboxes.ts';

/**
 * Twelve boxes to check and one Submit take the task's whole budget (13 steps); should the expert
 * ever run short, it submits on its last step, as 9 of 12 right still earns positive partial credit.
 */
export const clickCheckboxesLargeExpert = selectByNameExpert('click-checkboxes-large', {
  submitAtStep: clickCheckboxesLarge.maxSteps - 1,
});
