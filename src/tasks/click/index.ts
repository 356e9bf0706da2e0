import type { RegisteredTask } from '../core/task.ts';
import { chooseList } from './choose-list.ts';
import { clickButtonSequence } from './click-button-sequence.ts';
import { clickButton } from './click-button.ts';
import { clickDialog2 } from './click-dialog-2.ts';
import { clickDialog } from './click-dialog.ts';
import { clickLink } from './click-link.ts';
import { clickMenu2 } from './click-menu-2.ts';
import { clickMenu } from './click-menu.ts';
import { clickOption } from './click-option.ts';
import { clickScrollList } from './click-scroll-list.ts';
import { clickTest2, clickTestTransfer } from './click-test-2.ts';
import { clickTest } from './click-test.ts';
import { clickWidget } from './click-widget.ts';

export const clickTasks: RegisteredTask[] = [
  clickTest,
  clickTest2,
  clickTestTransfer,
  clickButton,
  clickButtonSequence,
  clickLink,
  clickDialog,
  clickDialog2,
  clickOption,
  clickWidget,
  clickScrollList,
  chooseList,
  clickMenu,
  clickMenu2,
];
