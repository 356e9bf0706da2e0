import { afterEach, describe, expect, it } from 'vitest';
import { oneSlot } from '../../src/sweep/queue.ts';
import { createSweep, planOfSweep, runSweep } from '../../src/sweep/sweeps.ts';
import { TINY_SPEC } from './sweep-fixtures.ts';
import { cleanup, environment } from './train-fixtures.ts';

/** A sweep from its spec: stored once, planned from its record, run to the end. */

afterEach(cleanup);

describe('a sweep from its spec', () => {
  it('refuses a malformed spec, naming the field, and stores nothing', async () => {
    const { store } = environment();
    await expect(createSweep(store, { ...TINY_SPEC, sftAmounts: [-1] })).rejects.toThrow(
      /sftAmounts\.0: .*Fix these fields/,
    );
    await expect(createSweep(store, { ...TINY_SPEC, rlRunsPerAmount: 'four' })).rejects.toThrow(
      /rlRunsPerAmount: /,
    );
    expect(await store.listSweeps()).toEqual([]);
    expect(await store.listRuns()).toEqual([]);
  });

  it('is stored once under the id its spec gives, and runs every planned run', async () => {
    const env = environment();
    const sweep = await createSweep(env.store, TINY_SPEC);
    expect(await createSweep(env.store, structuredClone(TINY_SPEC))).toEqual(sweep);
    expect(await env.store.listSweeps()).toEqual([sweep]);
    const plan = planOfSweep(sweep);
    expect(plan.runs.map((run) => run.key)).toEqual(['sft', 'rl-0', 'sft+rl-0@2']);

    const outcome = await runSweep(sweep.id, oneSlot(env));
    expect(outcome.status).toBe('finished');
    expect(outcome.ownRunIds).toEqual(plan.runs.map((run) => run.runId));
    const runs = await env.store.listRuns();
    expect(runs.map((run) => run.status)).toEqual(['finished', 'finished', 'finished']);
    expect(runs.every((run) => run.lineage.sweepId === sweep.id)).toBe(true);
    expect((await env.store.getSweep(sweep.id))?.status).toBe('finished');
  });
});
