import { afterEach, describe, expect, it } from 'vitest';
import { TaskEnv } from '../../src/env/env.ts';
import { IframePageHost, taskPageUrl } from '../../src/env/iframe-host.ts';
import { allElements, byClass, firstElement } from '../../src/experts/find.ts';
import type { Point } from '../../src/tasks/coordinates/svg.ts';
import { getTask } from '../../src/tasks/registry.ts';

/** The reward rules of the mouse tasks, partial credit included, by acting on their pages directly. */
const envs: TaskEnv[] = [];
afterEach(() => envs.splice(0).forEach((env) => env.dispose()));

function openEnv(task: string): TaskEnv {
  const env = new TaskEnv(new IframePageHost(taskPageUrl(task), document.body, task), {}, getTask(task));
  envs.push(env);
  return env;
}

describe('find-midpoint', { timeout: 30_000 }, () => {
  it('gives (30 - d) / 30 for a click d px from the midpoint, and -1 beyond 30 px or with no click', async () => {
    const env = openEnv('find-midpoint');
    const answer = async (seed: number, off: number | null) => {
      const start = await env.reset(seed);
      const tree = start.observation!.tree;
      const [a, b] = allElements(tree, byClass('black-circle')).map((e) => e.box!);
      const midpoint = { x: (a!.x + b!.x + a!.width) / 2, y: (a!.y + b!.y + a!.height) / 2 };
      if (off !== null) await env.step(`mouse_click(${midpoint.x + off}, ${midpoint.y})`);
      const submit = firstElement(tree, (e) => e.attributes.id === 'subbtn')!;
      return env.step(`click("${submit.bid}")`);
    };
    for (const seed of [0, 1, 2]) {
      const half = await answer(seed, 15);
      expect(half.rawReward, `seed ${seed}`).toBeGreaterThan(0.45);
      expect(half.rawReward, `seed ${seed}`).toBeLessThan(0.55);
      expect(half).toMatchObject({ done: true, success: true, reward: 1 });
      expect(half.taskReward).toBeLessThanOrEqual(half.rawReward);
      expect(await answer(seed, 31)).toMatchObject({ done: true, success: false, rawReward: -1 });
      expect(await answer(seed, null)).toMatchObject({ done: true, success: false, rawReward: -1 });
    }
    // Under the strict rule, partial credit is a failure.
    const strict = new TaskEnv(env.host, { successRule: 'perfect' }, getTask('find-midpoint'));
    const start = await strict.reset(4);
    const [a, b] = allElements(start.observation!.tree, byClass('black-circle')).map((e) => e.box!);
    await strict.step(`mouse_click(${(a!.x + b!.x + a!.width) / 2 + 10}, ${(a!.y + b!.y + a!.height) / 2})`);
    const submit = firstElement(start.observation!.tree, (e) => e.attributes.id === 'subbtn')!;
    const result = await strict.step(`click("${submit.bid}")`);
    expect(result.rawReward).toBeGreaterThan(0.6);
    expect(result).toMatchObject({ success: false, reward: -1 });
  });
});

describe('circle-center', { timeout: 30_000 }, () => {
  it('gives (r - d) / r for a click d px from the centre, and -1 outside the circle', async () => {
    const env = openEnv('circle-center');
    for (const seed of [0, 1, 2]) {
      const answer = async (fraction: number) => {
        const tree = (await env.reset(seed)).observation!.tree;
        const circle = firstElement(tree, (e) => e.tag === 'circle')!.box!;
        const r = circle.width / 2;
        await env.step(`mouse_click(${circle.x + r + fraction * r}, ${circle.y + r})`);
        const submit = firstElement(tree, (e) => e.attributes.id === 'subbtn')!;
        return env.step(`click("${submit.bid}")`);
      };
      const half = await answer(0.5);
      expect(half.rawReward, `seed ${seed}`).toBeGreaterThan(0.4);
      expect(half.rawReward, `seed ${seed}`).toBeLessThan(0.6);
      expect(half.success).toBe(true);
      expect(await answer(1.1)).toMatchObject({ done: true, success: false, rawReward: -1 });
    }
  });
});

describe('bisect-angle', { timeout: 30_000 }, () => {
  it('gives no credit on an arm and -1 behind the vertex', async () => {
    const env = openEnv('bisect-angle');
    const centre = (box: { x: number; y: number; width: number; height: number }) => ({
      x: box.x + box.width / 2,
      y: box.y + box.height / 2,
    });
    for (const seed of [0, 1, 2]) {
      const answer = async (pick: (v: Point, a: Point, b: Point) => Point) => {
        const tree = (await env.reset(seed)).observation!.tree;
        const v = centre(firstElement(tree, byClass('init-blue'))!.box!);
        const [a, b] = allElements(tree, byClass('init-black')).map((e) => centre(e.box!));
        const p = pick(v, a!, b!);
        await env.step(`mouse_click(${p.x}, ${p.y})`);
        const submit = firstElement(tree, (e) => e.attributes.id === 'subbtn')!;
        return env.step(`click("${submit.bid}")`);
      };
      const onArm = await answer((v, a) => ({ x: (v.x + a.x) / 2, y: (v.y + a.y) / 2 }));
      // On an arm the score is 0, or -1 where rounding puts the point just outside the angle.
      expect(onArm.rawReward, `seed ${seed}`).toBeLessThan(0.1);
      expect(onArm).toMatchObject({ done: true, success: false, reward: -1 });
      const behind = await answer((v, a, b) => ({
        x: v.x - (a.x + b.x - 2 * v.x) / 8,
        y: v.y - (a.y + b.y - 2 * v.y) / 8,
      }));
      expect(behind.rawReward, `seed ${seed}`).toBeLessThanOrEqual(0);
    }
  });
});
