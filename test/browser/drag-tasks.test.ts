import { afterEach, describe, expect, it } from 'vitest';
import { TaskEnv } from '../../src/env/env.ts';
import { IframePageHost, taskPageUrl } from '../../src/env/iframe-host.ts';
import { submitButton } from '../../src/experts/coordinates/points.ts';
import { getExpert } from '../../src/experts/registry.ts';
import { getTask } from '../../src/tasks/registry.ts';

/** Reward rules of the drag and drawing tasks beyond what the generic task checks see: partial credit. */
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
