import { afterEach, describe, expect, it } from 'vitest';
import { EnvPool } from '../../src/env/pool.ts';
import type { PoolEpisode } from '../../src/env/runner.ts';
import { type StepPolicy } from '../../src/env/episode.ts';
import { expertPolicy, wrongAnswerPolicy } from '../../src/experts/policies.ts';
import { getExpert } from '../../src/experts/registry.ts';
import { getTask } from '../../src/tasks/registry.ts';

/**
 * The Misc tasks that need layout (scroll positions, coordinates), which the Node task test leaves
 * out: the same checks, on built-in pages in Chromium.
 */
const LAYOUT_TASKS = ['scroll-text-2', 'hot-cold'];
const EXPERT_SEEDS = 20;

const pools: EnvPool[] = [];
afterEach(() => pools.splice(0).forEach((pool) => pool.dispose()));

async function run(task: string, policy: StepPolicy, seeds: number[]) {
  const pool = new EnvPool(document.body, { size: 2, env: { maxSteps: getTask(task).maxSteps } });
  pools.push(pool);
  const episodes: PoolEpisode[] = seeds.map((seed) => ({ task, seed, source: 'built-in' }));
  return pool.run(episodes, () => policy);
}

const range = (from: number, count: number): number[] => Array.from({ length: count }, (_, i) => from + i);

describe.each(LAYOUT_TASKS)('%s in a browser', { timeout: 120_000 }, (name) => {
  it('is solved by its expert', async () => {
    const results = await run(name, expertPolicy(getExpert(name)), range(100, EXPERT_SEEDS));
    const failures = results
      .filter((r) => !r.success)
      .map((r) => `seed ${r.seed}: ${r.failure ?? `raw ${r.rawReward}`} after ${r.steps.at(-1)?.action}`);
    const allowed = getTask(name).expertLimit ? Math.floor(EXPERT_SEEDS * 0.1) : 0;
    expect(failures.length, failures.join('\n')).toBeLessThanOrEqual(allowed);
    // Partial credit counts as success; the expert should still earn the full reward nearly always.
    const full = results.filter((r) => r.rawReward === 1).length;
    expect(full, results.map((r) => r.rawReward).join(' ')).toBeGreaterThanOrEqual(EXPERT_SEEDS - 2);
  });

  it('gives -1 to a wrong answer', async () => {
    const results = await run(name, wrongAnswerPolicy(getExpert(name)), range(200, 6));
    for (const r of results) {
      expect(r.failure, `seed ${r.seed}`).toBeNull();
      expect(r.rawReward, `seed ${r.seed}`).toBe(-1);
    }
  });
});
