import { afterEach, describe, expect, it, vi } from 'vitest';
import { expertTeacher } from '../../src/agent/teacher.ts';
import { DomEnvPool } from '../../src/env/dom-pool.ts';
import type { PoolEpisode } from '../../src/env/runner.ts';
import type { StepPolicy } from '../../src/env/episode.ts';

// No built task needs coordinates yet: a stand-in that does, to check the pool refuses it.
vi.mock('../../src/tasks/registry.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/tasks/registry.ts')>();
  return {
    ...original,
    findTask: (name: string) =>
      name === 'needs-layout'
        ? { ...original.getTask('click-test'), name, needsCoordinates: true }
        : original.findTask(name),
  };
});

const episode = (task: string, seed: number): PoolEpisode => ({ task, seed, source: 'built-in' });

describe('DomEnvPool', () => {
  let pool: DomEnvPool | null = null;
  afterEach(() => pool?.dispose());

  it('runs K episodes at once and returns results in input order', async () => {
    pool = new DomEnvPool(3, { maxSteps: 3 });
    const episodes = [
      episode('click-test', 3),
      episode('focus-text', 4),
      episode('click-test', 5),
      episode('focus-text', 6),
      episode('click-test', 7),
    ];
    let inFlight = 0;
    let mostInFlight = 0;
    const results = await pool.run(episodes, (e) => {
      const expert = expertTeacher(e.task, 0, e.seed);
      return async (view) => {
        inFlight++;
        mostInFlight = Math.max(mostInFlight, inFlight);
        // Yield so the other pages' steps can arrive, as a batching model policy waits for them.
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight--;
        return expert(view);
      };
    });
    expect(results.map((r) => [r.task, r.seed])).toEqual(episodes.map((e) => [e.task, e.seed]));
    expect(results.every((r) => r.success)).toBe(true);
    expect(mostInFlight).toBe(3);
  });

  it('fails only the episode whose policy throws', async () => {
    pool = new DomEnvPool(2, { maxSteps: 3 });
    const episodes = [episode('click-test', 3), episode('click-test', 4), episode('click-test', 5)];
    const progress: number[] = [];
    const results = await pool.run(
      episodes,
      (e): StepPolicy =>
        e.seed === 4
          ? () => {
              throw new Error('boom');
            }
          : expertTeacher(e.task, 0, e.seed),
      (_result, p) => progress.push(p.done),
    );
    expect(results.map((r) => r.success)).toEqual([true, false, true]);
    expect(results[1]?.failure).toMatch(/click-test \(seed 4\) threw: boom/);
    expect(progress).toEqual([1, 2, 3]);
  });

  it('refuses tasks that need coordinates, and official pages, before running anything', async () => {
    pool = new DomEnvPool(2);
    let calls = 0;
    const policy = (): StepPolicy => {
      calls++;
      return () => ({ thought: '', action: 'noop()' });
    };
    await expect(pool.run([episode('click-test', 3), episode('needs-layout', 3)], policy)).rejects.toThrow(
      /needs-layout need coordinates, which happy-dom has no layout for/,
    );
    await expect(pool.run([{ task: 'click-test', seed: 3, source: 'official' }], policy)).rejects.toThrow(
      /official pages \(click-test\) run only in a browser/,
    );
    await expect(pool.run([episode('no-such-task', 3)], policy)).rejects.toThrow(
      /no built-in task is named no-such-task/,
    );
    expect(calls).toBe(0);
  });

  it('needs a whole number of pages', () => {
    expect(() => new DomEnvPool(0)).toThrow(/at least 1/);
  });
});
