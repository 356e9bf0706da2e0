import type { Expert } from '../expert.ts';
import { clickCollapsible2Experts } from './click-collapsible-2.ts';
import { clickCollapsibleExperts } from './click-collapsible.ts';
import { clickTab2Experts } from './click-tab-2.ts';
import { clickTabExpert } from './click-tab.ts';
import { navigateTreeExpert } from './navigate-tree.ts';
import { useAutocompleteExperts } from './use-autocomplete.ts';
import { useSpinnerExpert } from './use-spinner.ts';

export const widgetExperts: Expert[] = [
  clickTabExpert,
  ...clickTab2Experts,
  ...clickCollapsibleExperts,
  ...clickCollapsible2Experts,
  navigateTreeExpert,
  ...useAutocompleteExperts,
  useSpinnerExpert,
];
