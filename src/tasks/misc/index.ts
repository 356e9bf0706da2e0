import type { RegisteredTask } from '../core/task.ts';
import { copyPaste, copyPaste2 } from './copy-paste.ts';
import { dailyCalendar } from './daily-calendar.ts';
import { hotCold } from './hot-cold.ts';
import { numberCheckboxes } from './number-checkboxes.ts';
import { scrollText, scrollText2 } from './scroll-text.ts';
import { stockMarket } from './stock-market.ts';
import { terminal } from './terminal.ts';
import { ticTacToe } from './tic-tac-toe.ts';

export const miscTasks: RegisteredTask[] = [
  copyPaste,
  copyPaste2,
  scrollText,
  scrollText2,
  numberCheckboxes,
  ticTacToe,
  stockMarket,
  terminal,
  dailyCalendar,
  hotCold,
];
