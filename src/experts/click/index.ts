import type { Expert } from '../expert.ts';
import { chooseListExpert } from './choose-list.ts';
import { clickButtonSequenceExpert } from './click-button-sequence.ts';
import { clickButtonExpert } from './click-button.ts';
import { clickDialog2Expert } from './click-dialog-2.ts';
import { clickDialogExpert } from './click-dialog.ts';
import { clickLinkExpert } from './click-link.ts';
import { clickMenu2Expert } from './click-menu-2.ts';
import { clickMenuExpert } from './click-menu.ts';
import { clickOptionExpert } from './click-option.ts';
import { clickScrollListExpert } from './click-scroll-list.ts';
import { clickTest2Expert, clickTestTransferExpert } from './click-test-2.ts';
import { clickTestExpert } from './click-test.ts';
import { clickWidgetExpert } from './click-widget.ts';

export const clickExperts: Expert[] = [
  clickTestExpert,
  clickTest2Expert,
  clickTestTransferExpert,
  clickButtonExpert,
  clickButtonSequenceExpert,
  clickLinkExpert,
  clickDialogExpert,
  clickDialog2Expert,
  clickOptionExpert,
  clickWidgetExpert,
  clickScrollListExpert,
  chooseListExpert,
  clickMenuExpert,
  clickMenu2Expert,
];
