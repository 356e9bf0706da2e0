import type { RegisteredTask } from '../core/task.ts';
import { clickCollapsible2, clickCollapsible2Nodelay } from './click-collapsible-2.ts';
import { clickCollapsible, clickCollapsibleNodelay } from './click-collapsible.ts';
import { clickTab2, clickTab2Easy, clickTab2Hard, clickTab2Medium } from './click-tab-2.ts';
import { clickTab } from './click-tab.ts';
import { navigateTree } from './navigate-tree.ts';
import { useAutocomplete, useAutocompleteNodelay } from './use-autocomplete.ts';
import { useSpinner } from './use-spinner.ts';

export const widgetTasks: RegisteredTask[] = [
  clickTab,
  clickTab2,
  clickTab2Easy,
  clickTab2Medium,
  clickTab2Hard,
  clickCollapsible,
  clickCollapsibleNodelay,
  clickCollapsible2,
  clickCollapsible2Nodelay,
  navigateTree,
  useAutocomplete,
  useAutocompleteNodelay,
  useSpinner,
];
