import { afterEach, describe, expect, it } from 'vitest';
import { TaskEnv } from '../../src/env/env.ts';
import { IframePageHost } from '../../src/env/iframe-host.ts';
import { EnvPool } from '../../src/env/pool.ts';
import { runEpisode } from '../../src/env/episode.ts';
import { expertPolicy } from '../../src/experts/policies.ts';
import { getExpert } from '../../src/experts/registry.ts';

/**
 * A page in the official MiniWob++ layout (test/fixtures/official: core/core.js and
 * miniwob/click-test.html, the lab's own minimal version of the official protocol) is driven
 * through the same env as the lab's pages and solved by the same expert.
 */
const OFFICIAL_CLICK_TEST = '/test/fixtures/official/miniwob/click-test.html';
const expert = expertPolicy(getExpert('click-test'));

const disposers: (() => void)[] = [];
afterEach(() => disposers.splice(0).forEach((dispose) => dispose()));

describe('an official-style page', { timeout: 30_000 }, () => {
  it('starts an episode through the protocol, hides the START cover and the reward display', async () => {
    const env = new TaskEnv(new IframePageHost(OFFICIAL_CLICK_TEST, document.body, 'official click-test'));
    disposers.push(() => env.dispose());
    const start = await env.reset(7);
    expect(start.pageError).toBeNull();
    expect(start.observation!.utterance).toBe('Click the button.');
    const text = start.observation!.text;
    expect(text).toContain('Click Me!');
    expect(text).not.toContain('START');
    expect(text).not.toContain('Last reward');
    expect(text).not.toContain('canvas');
    // The same seed builds the same instance (Math.seedrandom drives the page's Math.random).
    const again = await env.reset(7);
    expect(again.observation!.text).toBe(text);
    const other = await env.reset(8);
    expect(env.window!.document.getElementById('subbtn')!.style.left).not.toBe('');
    expect(other.observation!.utterance).toBe('Click the button.');
  });

  it('is solved by the click-test expert, with a time-discounted reward', async () => {
    const env = new TaskEnv(new IframePageHost(OFFICIAL_CLICK_TEST, document.body, 'official click-test'));
    disposers.push(() => env.dispose());
    for (let seed = 0; seed < 10; seed++) {
      const episode = await runEpisode(env, expert, seed, 'click-test');
      expect(episode, `seed ${seed}`).toMatchObject({
        success: true,
        reward: 1,
        rawReward: 1,
        failure: null,
      });
      expect(episode.steps).toHaveLength(1);
    }
    const win = env.window!;
    expect(win.WOB_DONE_GLOBAL).toBe(true);
    expect(win.WOB_REWARD_GLOBAL).toBeGreaterThan(0);
    expect(win.WOB_REWARD_GLOBAL).toBeLessThanOrEqual(1);
  });

  it('runs in the env pool beside the built-in page of the same task', async () => {
    const pool = new EnvPool(document.body, {
      size: 2,
      pageUrl: (e) => (e.source === 'official' ? OFFICIAL_CLICK_TEST : `/task.html?task=${e.task}`),
    });
    disposers.push(() => pool.dispose());
    const seeds = [0, 1, 2, 3, 4, 5];
    const results = await pool.run(
      seeds.flatMap((seed) => [
        { task: 'click-test', seed, source: 'official' as const },
        { task: 'click-test', seed, source: 'built-in' as const },
      ]),
      () => expert,
    );
    expect(results).toHaveLength(12);
    expect(results.every((r) => r.success)).toBe(true);
  });
});
