import type { PolicyStep, StepView } from '../../env/episode.ts';
import type { ObsElement } from '../../env/observation.ts';
import { ExpertConfusedError, type Expert } from '../expert.ts';
import { act, allElements, firstElement, need, quoted, taskArea, textOf } from '../find.ts';

const TASK = 'daily-calendar';

/** "8:30am" -> 17, "12pm" -> 24: a clock label to its half-hour index. */
function halfHourOf(label: string): number {
  const match = /^(\d{1,2})(:30)?\s*(am|pm)$/i.exec(label.trim());
  if (!match) throw new ExpertConfusedError(TASK, `cannot read the time "${label}"`);
  const hour = (Number(match[1]) % 12) + (match[3]?.toLowerCase() === 'pm' ? 12 : 0);
  return hour * 2 + (match[2] ? 1 : 0);
}

interface Plan {
  name: string;
  start: number;
  end: number;
}

/** What the utterance asks for, and the first free stretch of the window that fits it. */
function plan(utterance: string, area: ObsElement): Plan {
  const name = quoted(utterance)[0];
  const length = /(\d+) mins/.exec(utterance)?.[1] ?? /([\d.]+) hours?/.exec(utterance)?.[1];
  const window = /between (\d+[AP]M) and (\d+[AP]M)/i.exec(utterance);
  if (!name || !length || !window) throw new ExpertConfusedError(TASK, `cannot read "${utterance}"`);
  const halves = Math.round(/mins/.test(utterance) ? Number(length) / 30 : Number(length) * 2);
  const from = halfHourOf(window[1] as string);
  const to = halfHourOf(window[2] as string);
  // Events already there say when they are in their titles ("9am to 10:30am"); a page that does
  // not is taken as free.
  const busy = allElements(area, (e) => /\bevent\b/.test(e.attributes.class ?? ''))
    .map((e) => /^(.+) to (.+)$/.exec(e.attributes.title ?? ''))
    .flatMap((m) => (m ? [{ start: halfHourOf(m[1] as string), end: halfHourOf(m[2] as string) }] : []));
  for (let start = from; start + halves <= to; start++) {
    const end = start + halves;
    if (!busy.some((b) => start < b.end && b.start < end)) return { name, start, end };
  }
  throw new ExpertConfusedError(TASK, `no free ${halves} half-hours between ${window[1]} and ${window[2]}`);
}

/**
 * Press on the first slot, move over the last, release on the new event, then name it and Create:
 * the mouse down, move and up a drag is made of, given as click, hover and click on slots.
 */
function step({ observation, memory }: StepView, wrong: boolean): PolicyStep {
  const area = taskArea(observation.tree);
  const form = firstElement(area, (e) => e.attributes.id === 'create-event');
  const goal = (memory.plan as Plan | undefined) ?? plan(observation.utterance, area);
  memory.plan = goal;
  if (form) {
    const input = need(
      TASK,
      firstElement(form, (e) => e.tag === 'input'),
      'the event name field',
    );
    const name = wrong ? `${goal.name}x` : goal.name;
    if (input.value !== name)
      return { thought: `I name the event "${name}".`, action: act.fill(input, name) };
    const create = need(
      TASK,
      firstElement(form, (e) => e.role === 'button' && textOf(e) === 'Create'),
      'Create',
    );
    return { thought: 'I press Create.', action: act.click(create) };
  }
  const slot = (index: number): ObsElement =>
    need(
      TASK,
      firstElement(area, (e) => e.attributes.id === `hh-${index}`),
      `the half-hour slot hh-${index}`,
    );
  const drawn = firstElement(area, (e) => e.attributes.id === 'newEvent');
  if (drawn && memory.stretched) {
    return {
      thought: 'The new event spans the right slots; I let go of the mouse on it.',
      action: act.click(drawn),
    };
  }
  if (memory.pressed) {
    memory.stretched = true;
    const last = slot(goal.end - 1);
    return {
      thought: `I drag down to the slot at ${last.attributes.title ?? goal.end - 1}.`,
      action: act.hover(last),
    };
  }
  memory.pressed = true;
  const first = slot(goal.start);
  return {
    thought: `I press the mouse on the slot at ${first.attributes.title ?? goal.start}.`,
    action: act.click(first),
  };
}

export const dailyCalendarExpert: Expert = {
  task: TASK,
  solve: (view) => step(view, false),
  wrong: (view) => step(view, true),
};
