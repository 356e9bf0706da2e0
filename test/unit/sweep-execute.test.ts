import { afterEach, describe, expect, it } from 'vitest';
import { planSweep } from '../../src/sweep/plan.ts';
import { parseSweepSpec, sweepIdOf } from '../../src/sweep/spec.ts';
import type { RunRecord } from '../../src/store/records.ts';
import { createRun, executeRun } from '../../src/train/run.ts';
import { trainingFlops } from '../../src/train/state.ts';
import { cleanup, environment, tiny } from './train-fixtures.ts';

afterEach(cleanup);

/**
 * A planned sweep run for real, one run after another in plan order (the runner's job, done plainly
 * here): the SFT run saves a checkpoint at every branch point, every branch starts from it, and the
 * RL-alone baseline reaches the SFT+RL runs' training compute.
 */
const spec = parseSweepSpec({
  name: 'execute',
  seed: 1,
  sftAmounts: [0, 2, 3],
  rlRunsPerAmount: 1,
  budgets: { rlIterations: 1 },
  baselineRlRuns: 1,
  space: {
    temperature: [1],
    effectiveBatchSize: [2],
    errorLogFeedback: [true],
    constrainedDecoding: [false],
    importanceRatio: [false],
    curriculum: [false],
  },
  base: {
    model: { maxNewTokens: 8 },
    env: { ...tiny.env, split: undefined },
    teacher: tiny.teacher,
    sft: { batchSize: 2, warmupSteps: 0, learningRate: 1e-3 },
    rl: { goalsPerIteration: 1, groupSize: 2, updatesPerRollout: 1, maxRolloutRounds: 2, seeds: '3-50' },
    eval: tiny.eval,
  },
});

describe('a planned sweep, run', () => {
  it('finishes every run; branches start at the SFT run checkpoints; the RL baseline matches compute', async () => {
    const plan = planSweep(spec, sweepIdOf(spec));
    const env = environment(undefined, plan.runs[0]!.config);
    const finished = new Map<string, RunRecord>();
    for (const planned of plan.runs) {
      await createRun(env.store, planned.config, {
        id: planned.runId,
        name: planned.name,
        lineage: {
          sweepId: plan.sweepId,
          strategy: planned.strategy,
          sftAmount: planned.sftAmount,
          hyperparameters: planned.hyperparameters,
        },
      });
      const run = await executeRun(planned.runId, env);
      expect([planned.key, run.status, run.error]).toEqual([planned.key, 'finished', null]);
      finished.set(planned.key, run);
    }

    const sft = plan.runs.find((run) => run.key === 'sft')!;
    const checkpoints = await env.store.listCheckpoints(sft.runId);
    for (const child of plan.runs.filter((run) => run.parent !== null)) {
      const at = checkpoints.find((c) => c.step === child.parent!.step);
      expect(at, `${child.key}: checkpoint at ${child.parent!.step}`).toBeDefined();
      const run = finished.get(child.key)!;
      expect(run.lineage).toMatchObject({
        strategy: 'sft+rl',
        parent: { runId: sft.runId, step: child.parent!.step },
      });
      expect(run.state.sftFlopsAtBranch).toBe(trainingFlops(at!.state.compute));
    }

    const spent = (key: string): number => trainingFlops(finished.get(key)!.state.compute);
    const sftRl = plan.runs.filter((run) => run.strategy === 'sft+rl').map((run) => spent(run.key));
    expect(spent('rl-baseline-0')).toBeGreaterThanOrEqual(Math.max(...sftRl));
    expect(spent('sft')).toBeGreaterThanOrEqual(Math.max(...sftRl));
  }, 300_000);
});
