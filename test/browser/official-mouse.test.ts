import { afterEach, describe, expect, it } from 'vitest';
import { TaskEnv } from '../../src/env/env.ts';
import { IframePageHost } from '../../src/env/iframe-host.ts';
import { runEpisode } from '../../src/env/episode.ts';
import { expertPolicy, wrongAnswerPolicy } from '../../src/experts/policies.ts';
import { getExpert } from '../../src/experts/registry.ts';
import { getTask } from '../../src/tasks/registry.ts';

/**
 * Pages in the official layout for the mouse and selection tasks (test/fixtures/official/miniwob:
 * written here, shaped as the official pages are: SVG drawings, marks placed from pageX/pageY,
 * shapes dragged by listeners on the window, a Quill-shaped editor whose colours are swatches) are
 * solved by the same experts as the lab's own pages.
 */
const envs: TaskEnv[] = [];
afterEach(() => envs.splice(0).forEach((env) => env.dispose()));

function officialEnv(task: string): TaskEnv {
  const url = `/test/fixtures/official/miniwob/${task}.html`;
  const env = new TaskEnv(new IframePageHost(url, document.body, `official ${task}`), {}, getTask(task));
  envs.push(env);
  return env;
}

describe.each(['find-midpoint', 'drag-single-shape', 'text-editor'])(
  'the official-shaped %s',
  { timeout: 30_000 },
  (task) => {
    it('is solved by the expert that solves the lab page, and fails under the wrong policy', async () => {
      const env = officialEnv(task);
      for (let seed = 0; seed < 10; seed++) {
        const episode = await runEpisode(env, expertPolicy(getExpert(task)), seed, task);
        expect(episode, `seed ${seed}`).toMatchObject({ success: true, failure: null });
        expect(episode.rawReward, `seed ${seed}`).toBeGreaterThan(0.9);
        const wrong = await runEpisode(env, wrongAnswerPolicy(getExpert(task)), seed, task);
        expect(wrong, `seed ${seed}`).toMatchObject({ success: false, reward: -1, failure: null });
      }
    });
  },
);
