import { describe, expect, it } from 'vitest';
import { DomPageHost } from '../../src/env/dom-host.ts';
import { TaskEnv, type StepResult } from '../../src/env/env.ts';
import type { ObsElement } from '../../src/env/observation.ts';
import { allElements, byClass, firstElement, textOf } from '../../src/experts/find.ts';
import { getTask } from '../../src/tasks/registry.ts';

/** order-food's rule beyond the generic checks: the order must be exactly what was asked. */

const rowsOf = (result: StepResult) =>
  allElements(result.observation!.tree, byClass('menu-item')).map((row) => ({
    name: textOf(firstElement(row, byClass('item-name'))!),
    types: textOf(firstElement(row, byClass('item-tags')) ?? row).split(', '),
    add: `click("${firstElement(row, byClass('add'))!.bid}")`,
  }));
const placeOrder = (result: StepResult): string =>
  `click("${firstElement(result.observation!.tree, (e: ObsElement) => e.attributes.id === 'place-order')!.bid}")`;

describe('order-food', () => {
  it('fails an order with a dish too many, or one item not of the kind asked', async () => {
    const env = new TaskEnv(new DomPageHost(getTask('order-food')));
    const checked = { pair: 0, kind: 0 };
    for (let seed = 0; seed < 12; seed++) {
      const start = await env.reset(seed);
      const rows = rowsOf(start);
      const utterance = start.observation!.utterance;
      const pair = /^Order one of each item: (.+) and (.+)\.$/.exec(utterance);
      const kind = /^Order (\d+) items that are (.+)\.$/.exec(utterance);
      const orders: string[] = [];
      if (pair) {
        // Both dishes asked, and one of them twice.
        const [a, b] = [pair[1], pair[2]].map((name) => rows.find((r) => r.name === name)!);
        orders.push(a!.add, b!.add, a!.add);
        checked.pair++;
      } else {
        const count = Number(kind![1]);
        const fitting = rows.find((r) => r.types.includes(kind![2]!));
        const other = rows.find((r) => !r.types.includes(kind![2]!));
        if (!other) continue;
        // The right count in all, one of them not of the kind.
        for (let i = 1; i < count; i++) orders.push(fitting!.add);
        orders.push(other.add);
        checked.kind++;
      }
      for (const order of orders) await env.step(order);
      const end = await env.step(placeOrder(start));
      expect(end, `seed ${seed}: ${utterance}`).toMatchObject({ done: true, success: false, rawReward: -1 });
    }
    expect(checked.pair).toBeGreaterThan(0);
    expect(checked.kind).toBeGreaterThan(0);
  });
});
