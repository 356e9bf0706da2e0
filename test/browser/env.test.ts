import { afterEach, describe, expect, it } from 'vitest';
import { TaskEnv } from '../../src/env/env.ts';
import { IframePageHost, taskPageUrl } from '../../src/env/iframe-host.ts';
import { firstElement } from '../../src/experts/find.ts';

/** The env on real task pages in real iframes (vitest browser mode serves the project root). */
const envs: TaskEnv[] = [];
afterEach(() => envs.splice(0).forEach((env) => env.dispose()));

function openEnv(url: string, label: string): TaskEnv {
  const env = new TaskEnv(new IframePageHost(url, document.body, label), { readyTimeoutMs: 5000 });
  envs.push(env);
  return env;
}

describe('actions in a real iframe', { timeout: 30_000 }, () => {
  it('return an error for a hidden element and for a removed one', async () => {
    const env = openEnv(taskPageUrl('click-test'), 'click-test');
    const start = await env.reset(0);
    expect(start.pageError).toBeNull();
    const button = firstElement(start.observation!.tree, (e) => e.attributes.id === 'subbtn')!;
    const element = env.window!.document.getElementById('subbtn')!;

    element.style.display = 'none';
    const hidden = await env.step(`click("${button.bid}")`);
    expect(hidden.error).toMatch(/is not visible/);
    expect(hidden.done).toBe(false);

    element.remove();
    const removed = await env.step(`click("${button.bid}")`);
    expect(removed.error).toMatch(new RegExp(`No element has bid "${button.bid}"`));
    expect(removed.observation!.lastError).toBe(removed.error);
  });

  it('click a visible element with real events and end the episode', async () => {
    const env = openEnv(taskPageUrl('click-test'), 'click-test');
    const start = await env.reset(3);
    const button = firstElement(start.observation!.tree, (e) => e.attributes.id === 'subbtn')!;
    const result = await env.step(`click("${button.bid}")`);
    expect(result).toMatchObject({ done: true, success: true, reward: 1, rawReward: 1, error: null });
  });
});
