import type { Expert } from '../expert.ts';
import { copyPaste2Expert, copyPasteExpert } from './copy-paste.ts';
import { dailyCalendarExpert } from './daily-calendar.ts';
import { hotColdExpert } from './hot-cold.ts';
import { numberCheckboxesExpert } from './number-checkboxes.ts';
import { scrollText2Expert, scrollTextExpert } from './scroll-text.ts';
import { stockMarketExpert } from './stock-market.ts';
import { terminalExpert } from './terminal.ts';
import { ticTacToeExpert } from './tic-tac-toe.ts';

export const miscExperts: Expert[] = [
  copyPasteExpert,
  copyPaste2Expert,
  scrollTextExpert,
  scrollText2Expert,
  numberCheckboxesExpert,
  ticTacToeExpert,
  stockMarketExpert,
  terminalExpert,
  dailyCalendarExpert,
  hotColdExpert,
];
