import type { PolicyStep, StepView } from '../../env/episode.ts';
import type { Expert } from '../expert.ts';
import { act, allElements, byRole, firstElement, need, taskArea, textOf } from '../find.ts';
import { byClass, parse } from './page.ts';

/** Reads every flight's duration (minutes) and price, and books the asked-for extreme (or its opposite). */
function buyStep({ observation }: StepView, opposite: boolean): PolicyStep {
  const [extreme = '', measure = ''] = parse(
    'buy-ticket',
    observation.utterance,
    /Buy the ticket with the (cheapest|most expensive|shortest|longest) (cost|duration)/,
  );
  const flights = allElements(taskArea(observation.tree), byClass('flight')).map((flight) => {
    const duration = textOf(need('buy-ticket', firstElement(flight, byClass('time-duration')), 'a duration'));
    const button = need('buy-ticket', firstElement(flight, byRole('button')), 'a Book button');
    const [, hours = '0', minutes = '0'] = /(\d+)h (\d+)m/.exec(duration) ?? [];
    const price = Number(/\$(\d+)/.exec(textOf(button))?.[1] ?? NaN);
    const value = measure === 'cost' ? price : Number(hours) * 60 + Number(minutes);
    return { button, value, label: measure === 'cost' ? `$${price}` : duration };
  });
  const wantsLow = (extreme === 'cheapest' || extreme === 'shortest') !== opposite;
  const sorted = [...flights].sort((a, b) => (wantsLow ? a.value - b.value : b.value - a.value));
  const pick = need('buy-ticket', sorted[0]?.button, 'a flight');
  const which = opposite ? 'opposite of what was asked' : `${extreme} ${measure}`;
  return {
    thought: `Among ${flights.map((f) => f.label).join(', ')}, ${sorted[0]?.label} is the ${which}; I book it.`,
    action: act.click(pick),
  };
}

export const buyTicketExpert: Expert = {
  task: 'buy-ticket',
  solve: (view) => buyStep(view, false),
  wrong: (view) => buyStep(view, true),
};
