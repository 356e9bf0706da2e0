import { describe, expect, it } from 'vitest';
import { DomPageHost } from '../../src/env/dom-host.ts';
import { TaskEnv, type Observation } from '../../src/env/env.ts';
import { act, allElements, byClass, firstElement, textOf } from '../../src/experts/find.ts';
import { getTask } from '../../src/tasks/registry.ts';

const shownMonth = (observation: Observation): string =>
  ['ui-datepicker-month', 'ui-datepicker-year']
    .map((c) => textOf(firstElement(observation.tree, byClass(c))!))
    .join(' ');

async function openCalendar(task: string): Promise<{ env: TaskEnv; observation: Observation }> {
  const env = new TaskEnv(new DomPageHost(getTask(task)));
  const start = (await env.reset(3)).observation!;
  const field = firstElement(start.tree, (e) => e.attributes.id === 'datepicker')!;
  const opened = await env.step(act.click(field));
  return { env, observation: opened.observation! };
}

describe('the datepicker', () => {
  it('opens on December 2016 and stops at the first month of its range', async () => {
    const { env, observation } = await openCalendar('choose-date-medium');
    expect(shownMonth(observation)).toBe('December 2016');
    let now = observation;
    for (let i = 0; i < 3; i++) {
      const prev = firstElement(now.tree, byClass('ui-datepicker-prev'))!;
      now = (await env.step(act.click(prev))).observation!;
    }
    expect(shownMonth(now)).toBe('November 2016');
    expect(firstElement(now.tree, byClass('ui-datepicker-prev'))!.attributes.class).toContain(
      'ui-state-disabled',
    );
    env.dispose();
  });

  it('lays a month out under its weekdays and writes the picked day as mm/dd/yyyy', async () => {
    const { env, observation } = await openCalendar('choose-date-easy');
    const calendar = firstElement(observation.tree, byClass('ui-datepicker-calendar'))!;
    // 1 December 2016 was a Thursday: four empty cells (Su-We) open the first week.
    const firstWeek = allElements(calendar, (e) => e.tag === 'tr')[1]!;
    expect(allElements(firstWeek, (e) => e.tag === 'td').map(textOf)).toEqual([
      '',
      '',
      '',
      '',
      '1',
      '2',
      '3',
    ]);
    const day = allElements(calendar, (e) => e.tag === 'a').find((a) => textOf(a) === '7')!;
    const after = (await env.step(act.click(day))).observation!;
    expect(firstElement(after.tree, (e) => e.attributes.id === 'datepicker')!.value).toBe('12/07/2016');
    expect(firstElement(after.tree, byClass('ui-datepicker-calendar'))).toBeUndefined();
    env.dispose();
  });
});
