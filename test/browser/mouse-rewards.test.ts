import { afterEach, describe, expect, it } from 'vitest';
import { TaskEnv } from '../../src/env/env.ts';
import { IframePageHost, taskPageUrl } from '../../src/env/iframe-host.ts';
import { submitButton } from '../../src/experts/coordinates/points.ts';
import { getExpert } from '../../src/experts/registry.ts';
import { byClass, firstElement } from '../../src/experts/find.ts';
import { getTask } from '../../src/tasks/registry.ts';

/** Partial credit on the drag, drawing and right-angle tasks, beyond what the generic task checks see. */
const envs: TaskEnv[] = [];
afterEach(() => envs.splice(0).forEach((env) => env.dispose()));

function openEnv(task: string): TaskEnv {
  const env = new TaskEnv(new IframePageHost(taskPageUrl(task), document.body, task), {}, getTask(task));
  envs.push(env);
  return env;
}

/** Plays the task's expert for `moves` steps on the seed's instance, then returns the last result. */
async function expertMoves(env: TaskEnv, task: string, seed: number, moves: number) {
  let result = await env.reset(seed);
  const history: string[] = [];
  for (let i = 0; i < moves; i++) {
    const { action } = getExpert(task).solve({ observation: result.observation!, history, memory: {} });
    history.push(action);
    result = await env.step(action);
  }
  return result;
}

describe('drag-shapes-2', { timeout: 30_000 }, () => {
  it('gives 1.3/5 per shape in its box and -1/5 per shape elsewhere, clipped to [-1, 1]', async () => {
    const env = openEnv('drag-shapes-2');
    const submitAfter = async (seed: number, drags: number) => {
      const result = await expertMoves(env, 'drag-shapes-2', seed, drags);
      const submit = result.observation!.tree;
      const button = submitButton('test', submit);
      return env.step(`click("${button.bid}")`);
    };
    for (const seed of [0, 1, 2]) {
      const four = await submitAfter(seed, 4);
      expect(four.rawReward, `seed ${seed}`).toBeCloseTo((4 * 1.3 - 1) / 5, 6);
      expect(four).toMatchObject({ done: true, success: true });
      const two = await submitAfter(seed, 2);
      expect(two.rawReward, `seed ${seed}`).toBeCloseTo((2 * 1.3 - 3) / 5, 6);
      expect(two).toMatchObject({ done: true, success: false, reward: -1 });
      expect(await submitAfter(seed, 5)).toMatchObject({ done: true, success: true, rawReward: 1 });
      expect(await submitAfter(seed, 0)).toMatchObject({ done: true, success: false, rawReward: -1 });
    }
  });
});

/** The marked point's centre and the Submit button's bid on a drawing task's page. */
function drawingParts(result: Awaited<ReturnType<TaskEnv['reset']>>) {
  const tree = result.observation!.tree;
  const mark = firstElement(tree, (e) => e.tag === 'circle')!.box!;
  return {
    x: mark.x + mark.width / 2,
    y: mark.y + mark.height / 2,
    submit: `click("${submitButton('test', tree).bid}")`,
  };
}

describe('draw-line', { timeout: 30_000 }, () => {
  it('scores 0.8 x direction + 0.2 x nearness to the dot', async () => {
    const env = openEnv('draw-line');
    for (const seed of [0, 1, 2, 3]) {
      const line = async (offset: number, turned: boolean) => {
        const start = await env.reset(seed);
        const { x, y, submit } = drawingParts(start);
        const horizontal = start.observation!.utterance.includes('horizontal') !== turned;
        // 25 px each side of the dot, `offset` px beside it; the drawing is at least that wide around it.
        const action = horizontal
          ? `mouse_drag(${x - 25}, ${y + offset}, ${x + 25}, ${y + offset})`
          : `mouse_drag(${x + offset}, ${y - 25}, ${x + offset}, ${y + 25})`;
        await env.step(action);
        return env.step(submit);
      };
      expect(await line(0, false), `seed ${seed}`).toMatchObject({ done: true, success: true, rawReward: 1 });
      // 12 px from the dot: nearness 0.5.
      expect((await line(12, false)).rawReward, `seed ${seed}`).toBeCloseTo(0.8 + 0.2 * 0.5, 6);
      // The other direction through the dot: straightness -1 times length 0.1, nearness 1.
      expect((await line(0, true)).rawReward, `seed ${seed}`).toBeCloseTo(-0.08 + 0.2, 6);
    }
  });
});

describe('draw-circle', { timeout: 30_000 }, () => {
  it('multiplies roundness by a size score, and gives -0.25 to a stroke under 5 px', async () => {
    const env = openEnv('draw-circle');
    const hexagon = async (seed: number, radius: number) => {
      const { x, y, submit } = drawingParts(await env.reset(seed));
      const corner = (i: number) =>
        `${x + radius * Math.cos((i * Math.PI) / 3)}, ${y + radius * Math.sin((i * Math.PI) / 3)}`;
      await env.step(`mouse_down(${corner(0)})`);
      for (let i = 1; i < 6; i++) await env.step(`mouse_move(${corner(i)})`);
      await env.step(`mouse_up(${corner(0)})`);
      return env.step(submit);
    };
    for (const seed of [0, 1, 2]) {
      expect(await hexagon(seed, 20), `seed ${seed}`).toMatchObject({
        done: true,
        success: true,
        rawReward: 1,
      });
      // 16 px across and 14 px high: size 0.5.
      expect((await hexagon(seed, 8)).rawReward, `seed ${seed}`).toBeCloseTo(0.5, 6);
      expect(await hexagon(seed, 2), `seed ${seed}`).toMatchObject({ success: false, rawReward: -0.25 });
    }
  });
});

describe('right-angle', { timeout: 30_000 }, () => {
  it('gives (30 - e) / 30 for a point e degrees off a right angle, -1 from 30 degrees', async () => {
    const env = openEnv('right-angle');
    const centre = (box: { x: number; y: number; width: number; height: number }) => ({
      x: box.x + box.width / 2,
      y: box.y + box.height / 2,
    });
    const answer = async (seed: number, degrees: number) => {
      const tree = (await env.reset(seed)).observation!.tree;
      const vertex = centre(firstElement(tree, byClass('init-blue'))!.box!);
      const end = centre(firstElement(tree, byClass('init-black'))!.box!);
      // 30 px from the vertex, turned `degrees` from the drawn arm (the vertex keeps 35 px from the edges).
      const turn = Math.atan2(end.y - vertex.y, end.x - vertex.x) + (degrees * Math.PI) / 180;
      await env.step(`mouse_click(${vertex.x + 30 * Math.cos(turn)}, ${vertex.y + 30 * Math.sin(turn)})`);
      return env.step(`click("${submitButton('test', tree).bid}")`);
    };
    for (const seed of [0, 1, 2]) {
      expect((await answer(seed, 90)).rawReward, `seed ${seed}`).toBeGreaterThan(0.95);
      const off = await answer(seed, 105);
      expect(off.rawReward, `seed ${seed}`).toBeGreaterThan(0.45);
      expect(off.rawReward, `seed ${seed}`).toBeLessThan(0.55);
      expect(await answer(seed, 125), `seed ${seed}`).toMatchObject({
        done: true,
        success: false,
        rawReward: -1,
      });
    }
  });
});
