import { DEFAULT_ENV_OPTIONS } from '../../env/env.ts';
import { selectByNameExpert } from './click-checkboxes.ts';

/**
 * Up to 12 boxes to check and one Submit can exceed the default step limit, so the expert submits
 * on its last step: 9 of 12 right (and 3 missed) still earns the positive partial credit (0.5).
 */
export const clickCheckboxesLargeExpert = selectByNameExpert('click-checkboxes-large', {
  submitAtStep: DEFAULT_ENV_OPTIONS.maxSteps - 1,
});
