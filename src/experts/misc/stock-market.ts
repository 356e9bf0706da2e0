import type { PolicyStep, StepView } from '../../env/episode.ts';
import { ExpertConfusedError, type Expert } from '../expert.ts';
import { act, firstElement, need, taskArea, textOf } from '../find.ts';

const TASK = 'stock-market';

/** Two ticks of 100 ms: shorter than the page's window of six ticks at or below the level. */
const WAIT_MS = 200;

const dollars = (text: string): number => Number.parseFloat(text.replace(/[$,]/g, ''));

/** Buys as soon as the shown price is at or below the level asked for; waits otherwise. */
function step({ observation }: StepView, wrong: boolean): PolicyStep {
  const level = /less than \$([\d.,]+)/.exec(observation.utterance)?.[1];
  if (!level) throw new ExpertConfusedError(TASK, `no price in "${observation.utterance}"`);
  const threshold = dollars(level);
  const area = taskArea(observation.tree);
  const price = dollars(
    textOf(
      need(
        TASK,
        firstElement(area, (e) => e.attributes.id === 'stock-price'),
        'the stock price',
      ),
    ),
  );
  const buy = need(
    TASK,
    firstElement(area, (e) => e.role === 'button' && textOf(e) === 'Buy'),
    'the Buy button',
  );
  const low = price <= threshold;
  if (low !== wrong) {
    return {
      thought: `The price is $${price.toFixed(2)}, ${low ? 'at or below' : 'above'} $${threshold.toFixed(2)}; I buy.`,
      action: act.click(buy),
    };
  }
  return {
    thought: `The price is $${price.toFixed(2)}; I wait for it to ${wrong ? 'rise above' : 'fall to'} $${threshold.toFixed(2)}.`,
    action: act.noop(WAIT_MS),
  };
}

export const stockMarketExpert: Expert = {
  task: TASK,
  solve: (view) => step(view, false),
  wrong: (view) => step(view, true),
};
