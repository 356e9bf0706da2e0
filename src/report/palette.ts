import { STRATEGIES } from './figure-rows.ts';
import type { Strategy } from '../store/records.ts';

/** The figures' shared look: one font, and one colour per strategy on every figure. */

export const FONT = '11px system-ui, sans-serif';
export const STRATEGY_COLORS: Record<Strategy, string> = {
  sft: '#3b5bdb',
  rl: '#e8590c',
  'sft+rl': '#2b8a3e',
};
export const STRATEGY_SCALE = {
  domain: [...STRATEGIES],
  range: STRATEGIES.map((strategy) => STRATEGY_COLORS[strategy]),
};
export const BAR_COLOR = '#3b5bdb';
/** The expected best under normal scores, beside T_h: a colour no strategy has. */
export const EXPECTED_BEST_COLOR = '#ae3ec9';
