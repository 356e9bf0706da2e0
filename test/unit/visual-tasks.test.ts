import { describe, expect, it } from 'vitest';
import { parseColor, toHex } from '../../src/env/colors.ts';
import { DomPageHost } from '../../src/env/dom-host.ts';
import { TaskEnv, type StepResult } from '../../src/env/env.ts';
import type { ObsElement } from '../../src/env/observation.ts';
import { allElements, byClass, textOf } from '../../src/experts/find.ts';
import { getTask } from '../../src/tasks/registry.ts';

/** The partial-credit rules of the visual tasks, beyond what the generic task test checks. */

const click = (e: ObsElement): string => `click("${e.bid}")`;
const button = (tree: ObsElement, text: string): ObsElement =>
  allElements(tree, (e) => e.tag === 'button' && textOf(e) === text)[0] as ObsElement;

describe('find-greatest', () => {
  async function turnAll(env: TaskEnv, seed: number): Promise<{ cards: ObsElement[]; values: number[] }> {
    let result: StepResult = await env.reset(seed);
    const values: number[] = [];
    for (let i = 0; i < 3; i++) {
      const cards = allElements(result.observation!.tree, byClass('card'));
      result = await env.step(click(cards[i] as ObsElement));
      values.push(Number(textOf(allElements(result.observation!.tree, byClass('card'))[i] as ObsElement)));
    }
    return { cards: allElements(result.observation!.tree, byClass('card')), values };
  }

  it('gives 1 for the greatest card, 0 for another card, -1 for none', async () => {
    const env = new TaskEnv(new DomPageHost(getTask('find-greatest')));
    const none = await env.reset(4);
    const noPick = await env.step(click(button(none.observation!.tree, 'Submit')));
    expect(noPick.rawReward).toBe(-1);

    for (const [choose, raw] of [
      [Math.min, 0],
      [Math.max, 1],
    ] as const) {
      const { cards, values } = await turnAll(env, 4);
      expect(new Set(values).size, 'three different numbers').toBe(3);
      const chosen = await env.step(click(cards[values.indexOf(choose(...values))] as ObsElement));
      const end = await env.step(click(button(chosen.observation!.tree, 'Submit')));
      expect(end.done).toBe(true);
      expect(end.rawReward).toBe(raw);
      expect(end.success).toBe(raw > 0);
    }
    env.dispose();
  });
});

describe('use-colorwheel-2', () => {
  it('gives partial credit by channel distance: a success by raw > 0, not by raw == 1', async () => {
    for (const successRule of ['positive', 'perfect'] as const) {
      const env = new TaskEnv(new DomPageHost(getTask('use-colorwheel-2')), { successRule });
      const start = await env.reset(3);
      const tree = start.observation!.tree;
      const swatch = allElements(tree, (e) => e.attributes.class === 'cc')[0] as ObsElement;
      const rgb = parseColor(swatch.visual!.background!)!;
      const near = toHex({ ...rgb, r: rgb.r > 127 ? rgb.r - 51 : rgb.r + 51 });
      const field = allElements(tree, (e) => e.attributes.id === 'col')[0] as ObsElement;
      await env.step(`fill("${field.bid}", "${near}")`);
      const end = await env.step(click(button(tree, 'Submit')));
      expect(end.rawReward).toBeCloseTo(1 - 51 / 255 / 3, 6);
      expect(end.success).toBe(successRule === 'positive');
      env.dispose();
    }
  });
});

describe('ascending-numbers', () => {
  it('gives the fraction found so far for a box out of order, and -1 for a wrong first number', async () => {
    const env = new TaskEnv(new DomPageHost(getTask('ascending-numbers')));
    const numbers = (r: StepResult): ObsElement[] =>
      allElements(r.observation!.tree, (e) => e.tag === 'text');
    const boxes = (r: StepResult): ObsElement[] => allElements(r.observation!.tree, (e) => e.tag === 'rect');
    const first = await env.reset(5);
    const two = numbers(first).find((n) => textOf(n) === '2') as ObsElement;
    expect((await env.step(click(two))).rawReward).toBe(-1);

    let result = await env.reset(5);
    result = await env.step(click(numbers(result).find((n) => textOf(n) === '1') as ObsElement));
    expect(boxes(result)).toHaveLength(4);
    // The boxes follow the numbers in the DOM (as on the official page): box 2 is first.
    result = await env.step(click(boxes(result)[0] as ObsElement));
    result = await env.step(click(boxes(result)[1] as ObsElement));
    expect(result.done).toBe(true);
    expect(result.rawReward).toBeCloseTo(2 / 5, 9);
    env.dispose();
  });
});
