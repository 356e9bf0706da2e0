import { afterEach, describe, expect, it } from 'vitest';
import type { EpisodeResult } from '../../src/env/episode.ts';
import { PageClosedError } from '../../src/env/host.ts';
import { taskPageUrl } from '../../src/env/iframe-host.ts';
import { EnvPool } from '../../src/env/pool.ts';
import type { PoolEpisode } from '../../src/env/runner.ts';
import { expertPolicy } from '../../src/experts/policies.ts';
import { getExpert } from '../../src/experts/registry.ts';

/** Fixture pages in the official layout: a working click-test and two broken pages. */
const FIXTURES = '/test/fixtures/official/miniwob/';
const pageUrl = (e: PoolEpisode): string =>
  e.source === 'official' ? `${FIXTURES}${e.task}.html` : taskPageUrl(e.task);
const clickTest = expertPolicy(getExpert('click-test'));

const pools: EnvPool[] = [];
afterEach(() => pools.splice(0).forEach((pool) => pool.dispose()));

function openPool(size: number, { container = document.body, readyTimeoutMs = 10_000 } = {}): EnvPool {
  const pool = new EnvPool(container, { size, pageUrl, env: { readyTimeoutMs } });
  pools.push(pool);
  return pool;
}

const episodes = (task: string, source: PoolEpisode['source'], seeds: number[]): PoolEpisode[] =>
  seeds.map((seed) => ({ task, seed, source }));

describe('the env pool', { timeout: 30_000 }, () => {
  it('runs episodes in K iframes side by side and returns results in order', async () => {
    const container = document.createElement('div');
    document.body.append(container);
    const pool = openPool(3, { container });
    const list = [
      ...episodes('click-test', 'built-in', [0, 1, 2, 3, 4]),
      ...episodes('click-button', 'built-in', [0, 1, 2]),
    ];
    let reported = 0;
    const results = await pool.run(
      list,
      (e) => expertPolicy(getExpert(e.task)),
      (_, progress) => {
        reported = progress.done;
        expect(progress.total).toBe(list.length);
      },
    );
    expect(results.map((r) => [r.task, r.seed])).toEqual(list.map((e) => [e.task, e.seed]));
    expect(results.every((r) => r.success)).toBe(true);
    expect(reported).toBe(list.length);
    expect(container.querySelectorAll('iframe').length).toBeLessThanOrEqual(3);
    expect(pool.pageLoads).toBeGreaterThanOrEqual(2);
  });

  it('keeps a page its focus while the other iframes type, so its suggestions stay open', async () => {
    // The iframes share one focus; book-flight's suggestions close on blur, and enter-text episodes
    // focus and type in their own iframes all the time (dom-events.ts keepFocusAcrossFrames).
    const pool = openPool(4);
    const list = [0, 1, 2, 3, 4, 5].flatMap((seed): PoolEpisode[] => [
      { task: 'book-flight', seed, source: 'built-in' },
      ...episodes('enter-text', 'built-in', [3 * seed, 3 * seed + 1, 3 * seed + 2]),
    ]);
    const results = await pool.run(list, (e) => expertPolicy(getExpert(e.task)));
    const failed = results
      .filter((r) => !r.success)
      .map((r) => `${r.task} ${r.seed}: ${r.steps.at(-1)?.thought}`);
    expect(failed).toEqual([]);
  }, 120_000);

  it('ends the episode of a page that throws in genProblem with a clear error and runs on', async () => {
    const pool = openPool(2);
    const list = [
      ...episodes('broken-genproblem', 'official', [0, 1]),
      ...episodes('click-test', 'built-in', [0, 1, 2]),
    ];
    const results = await pool.run(list, () => clickTest);
    for (const broken of results.slice(0, 2)) {
      expect(broken.success).toBe(false);
      expect(broken.reward).toBe(-1);
      expect(broken.failure).toMatch(
        /official broken-genproblem failed to start an episode: genProblem exploded/,
      );
    }
    expect(results.slice(2).every((r) => r.success && r.failure === null)).toBe(true);
  });

  it('ends the episode of a page that never becomes ready with a clear error and runs on', async () => {
    // Only the small official-style pages run here, so a short wait for readiness is enough.
    const pool = openPool(2, { readyTimeoutMs: 800 });
    const list = [
      ...episodes('never-ready', 'official', [0]),
      ...episodes('click-test', 'official', [0, 1, 2]),
      ...episodes('never-ready', 'official', [1]),
    ];
    const results = await pool.run(list, () => clickTest);
    for (const index of [0, 4]) {
      expect(results[index]!.failure).toMatch(
        /never-ready failed to start an episode: .*did not become ready within 800 ms/,
      );
    }
    expect(results.slice(1, 4).every((r) => r.success)).toBe(true);
    // The failed slot was reloaded for its next episode.
    expect(pool.pageLoads).toBeGreaterThanOrEqual(3);
  });

  it('ends an episode whose policy throws with a failure and runs on', async () => {
    const pool = openPool(1);
    const results = await pool.run(episodes('click-test', 'built-in', [0, 1]), (e) =>
      e.seed === 0
        ? () => {
            throw new Error('the policy broke');
          }
        : clickTest,
    );
    expect(results[0]!.failure).toMatch(/The policy for click-test \(seed 0\) threw: the policy broke/);
    expect(results[1]!.success).toBe(true);
  });

  it('stops with PageClosedError when its pages leave the document mid-wait, and reports no failed episode', async () => {
    // The pool's container goes (its page was closed) while an episode waits on a page timer, which
    // a detached page never fires: the run must end, and nothing cut off may count as a verdict.
    const container = document.createElement('div');
    document.body.append(container);
    const pool = openPool(2, { container });
    const waiting = new Set<number>();
    const reported: EpisodeResult[] = [];
    const list = episodes('click-test', 'built-in', [0, 1, 2, 3, 4, 5]);
    const run = pool.run(
      list,
      (e) => (view) => {
        if (e.seed < 2) return clickTest(view);
        if (waiting.size === 0) setTimeout(() => container.remove(), 300);
        waiting.add(e.seed);
        return { thought: 'wait', action: 'noop(4000)' };
      },
      (result) => reported.push(result),
    );
    const started = performance.now();
    await expect(run).rejects.toThrow(PageClosedError);
    await expect(run).rejects.toThrow(/The task page click-test was closed while an episode ran on it/);
    expect(waiting.has(2)).toBe(true);
    // Well before the 4 s wait would have ended on an open page.
    expect(performance.now() - started).toBeLessThan(3000);
    expect(reported.map((r) => [r.seed, r.success])).toEqual([
      [0, true],
      [1, true],
    ]);
  });

  it('says a page the browser could not load, after trying it again, without waiting out the ready timeout', async () => {
    // Nothing listens on port 9: the iframe ends on the browser's error page, of another origin.
    const pool = new EnvPool(document.body, {
      size: 1,
      pageUrl: () => 'http://127.0.0.1:9/task.html',
      env: { readyTimeoutMs: 20_000 },
    });
    pools.push(pool);
    const started = performance.now();
    const [result] = await pool.run(episodes('click-test', 'built-in', [0]), () => clickTest);
    expect(result!.failure).toMatch(
      /failed to start an episode: the browser could not load http:\/\/127\.0\.0\.1:9\/task\.html and shows its error page/,
    );
    // It was tried twice more (after 0.5 s, then 1 s) before it was given up: no sooner than that.
    expect((performance.now() - started) / 1000).toBeGreaterThan(1.4);
  });
});
