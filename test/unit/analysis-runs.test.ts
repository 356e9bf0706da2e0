import { afterEach, describe, expect, it } from 'vitest';
import { analysedRunsOf } from '../../src/analysis/runs.ts';
import type { MetricRecord } from '../../src/store/records.ts';
import { createRun, executeRun } from '../../src/train/run.ts';
import { cleanup, environment, tiny } from './train-fixtures.ts';

afterEach(cleanup);

describe('the runs the analysis reads, from a real run and its branch', () => {
  it('take the metric names, phases and selections the run wrote', async () => {
    const env = environment();
    const run = await createRun(env.store, tiny);
    await executeRun(run.id, env);
    const branch = await createRun(env.store, { ...tiny, branch: { runId: run.id, step: 2 } });
    await executeRun(branch.id, env);

    const records = [(await env.store.getRun(run.id))!, (await env.store.getRun(branch.id))!];
    const metrics = new Map<string, MetricRecord[]>();
    for (const record of records) metrics.set(record.id, await env.store.metrics(record.id));
    const [own, branched] = analysedRunsOf(records, metrics);

    expect(own!.strategy).toBe('sft+rl');
    expect(own!.curve.map((point) => `${point.phase}@${point.step}`)).toEqual(['sft@0', 'sft@2', 'rl@3']);
    // The branch's first evaluation scores the SFT checkpoint it starts from, though its row says 'rl'.
    expect(metrics.get(branch.id)!.find((row) => row.kind === 'eval')!.phase).toBe('rl');
    expect(branched!.curve.map((point) => `${point.phase}@${point.step}`)).toEqual(['sft@2', 'rl@3']);

    for (const [analysed, record] of [
      [own!, records[0]!],
      [branched!, records[1]!],
    ] as const) {
      const summary = record.summary!;
      const evaluation = metrics.get(record.id)!.find((row) => row.kind === 'eval' && row.step === 3)!;
      expect(analysed.flops).toBe(summary.rl!.flops);
      expect(analysed.success).toEqual({
        goals: summary.heldout_goals_success,
        tasks: summary.heldout_tasks_success,
      });
      expect(analysed.curve.at(-1)).toMatchObject({
        flops: evaluation.flops,
        goals: evaluation.values.heldOutGoalSuccess,
        tasks: evaluation.values.heldOutTaskSuccess,
      });
    }
  }, 300_000);

  it("keep a sweep's RL baselines out of every SFT amount, and put RL started by hand at amount 0", async () => {
    const env = environment();
    const run = await createRun(env.store, tiny);
    await executeRun(run.id, env);
    const record = (await env.store.getRun(run.id))!;
    const metrics = new Map([[run.id, await env.store.metrics(run.id)]]);
    const asRl = (sweepId: string | null): typeof record => ({
      ...record,
      lineage: { ...record.lineage, strategy: 'rl', sftAmount: null, sweepId },
    });
    // A baseline trains the recommended configuration to the largest compute: not a sampled run of
    // the random search at any amount, so the bootstrap must not count it; the frontier still does.
    const [baseline] = analysedRunsOf([asRl('sweep-1')], metrics);
    expect(baseline!.sftAmount).toBeNull();
    expect(baseline!.strategy).toBe('rl');
    const [byHand] = analysedRunsOf([asRl(null)], metrics);
    expect(byHand!.sftAmount).toBe(0);
  }, 300_000);
});
