import { afterEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine/engine.ts';
import { DomEnvPool } from '../../src/env/dom-pool.ts';
import { StoreFullError, type LabStore } from '../../src/store/store.ts';
import type { SweepProgress } from '../../src/sweep/progress.ts';
import { oneSlot, runSweepPlan, type SweepEnvironment } from '../../src/sweep/queue.ts';
import { shardRuns } from '../../src/sweep/shards.ts';
import type { PlannedRun, SweepPlan } from '../../src/sweep/types.ts';
import type { RunConfigInput } from '../../src/train/config.ts';
import type { RunEnvironment } from '../../src/train/run-environment.ts';
import { cleanup, cpuEngine, crashingAt, environment, onCleanup, tiny } from './train-fixtures.ts';

/** The sweep's queue on a tiny plan: an SFT run, two RL runs branched from it, and RL alone. */

afterEach(cleanup);

const SWEEP = 'sweep1';

function planned(key: string, config: RunConfigInput, parent: PlannedRun['parent']): PlannedRun {
  const strategy = parent ? 'sft+rl' : (config.rl?.iterations ?? 1) === 0 ? 'sft' : 'rl';
  return {
    key,
    runId: `${SWEEP}-${key}`,
    name: `tiny ${key}`,
    strategy,
    config,
    parent,
    sftAmount: parent ? parent.step : strategy === 'rl' ? 0 : null,
    hyperparameters: { temperature: config.rl?.temperature ?? 1 },
    estimatedFlops: 1e6,
  };
}

const sftOnly: RunConfigInput = { ...tiny, rl: { ...tiny.rl, iterations: 0 } };
const branch = (step: number, temperature: number): RunConfigInput => ({
  ...tiny,
  rl: { ...tiny.rl, temperature },
  branch: { runId: `${SWEEP}-sft`, step },
});
const PLAN: SweepPlan = {
  sweepId: SWEEP,
  runs: [
    planned('sft', sftOnly, null),
    planned('rl-a@1', branch(1, 0.7), { key: 'sft', step: 1 }),
    planned('rl-b@2', branch(2, 1.3), { key: 'sft', step: 2 }),
    planned('rl-only', { ...tiny, sft: { ...tiny.sft, steps: 0 } }, null),
  ],
  sftAmounts: [0, 1, 2],
  sftAmountUnit: 'steps',
};
const RUN_IDS = PLAN.runs.map((run) => run.runId);

/** A store with the sweep's record, as createSweep leaves it. */
async function sweepEnvironment(engine?: Engine): Promise<RunEnvironment> {
  const env = environment(engine);
  await env.store.putSweep({
    id: SWEEP,
    name: 'tiny sweep',
    createdAt: 1,
    updatedAt: 1,
    spec: {},
    status: 'created',
    error: null,
  });
  return env;
}

/** Every run's rows as kind@step, by run id. */
async function rowsByRun(store: LabStore, ids: readonly string[]): Promise<Record<string, string[]>> {
  const rows: Record<string, string[]> = {};
  for (const id of ids) rows[id] = (await store.metrics(id)).map((row) => `${row.kind}@${row.step}`);
  return rows;
}

const EXPECTED_ROWS: Record<string, string[]> = {
  [`${SWEEP}-sft`]: ['eval@0', 'train@1', 'train@2', 'eval@2'],
  [`${SWEEP}-rl-a@1`]: ['eval@1', 'train@2', 'eval@2'],
  [`${SWEEP}-rl-b@2`]: ['eval@2', 'train@3', 'eval@3'],
  [`${SWEEP}-rl-only`]: ['eval@0', 'train@1', 'eval@1'],
};

describe('running a sweep', () => {
  it('runs parents before their children, every run once, with progress and an ETA', async () => {
    const env = await sweepEnvironment();
    const started: string[] = [];
    const progress: SweepProgress[] = [];
    const outcome = await runSweepPlan(PLAN, oneSlot(env), undefined, {
      onRunEvent: (runId, event) => {
        if (event.type === 'status' && event.status === 'running') started.push(runId);
      },
      onProgress: (p) => progress.push(p),
    });
    expect(outcome.status).toBe('finished');
    expect(outcome.ownRunIds).toEqual(RUN_IDS);
    expect(started).toEqual(RUN_IDS);
    expect(await rowsByRun(env.store, RUN_IDS)).toEqual(EXPECTED_ROWS);
    const runs = await env.store.listRuns();
    expect(runs.map((run) => run.id).sort()).toEqual([...RUN_IDS].sort());
    const child = runs.find((run) => run.id === `${SWEEP}-rl-b@2`)!;
    expect(child.lineage).toEqual({
      sweepId: SWEEP,
      strategy: 'sft+rl',
      parent: { runId: `${SWEEP}-sft`, step: 2 },
      sftAmount: 2,
      hyperparameters: { temperature: 1.3 },
    });
    expect((await env.store.getSweep(SWEEP))?.status).toBe('finished');
    const last = progress.at(-1)!;
    expect(last).toMatchObject({ finished: 4, total: 4, fraction: 1 });
    expect(last.runs.every((run) => run.fraction === 1 && run.status === 'finished')).toBe(true);
    expect(progress.some((p) => p.etaMs !== null && p.etaMs > 0 && p.flopsPerSecond! > 0)).toBe(true);
    // Finished runs are skipped: running it again trains nothing.
    const again = await runSweepPlan(PLAN, oneSlot(env), undefined, {
      onRunEvent: (runId) => started.push(runId),
    });
    expect(again.status).toBe('finished');
    expect(started).toHaveLength(RUN_IDS.length);
  });

  it('goes on after a crash and after a pause, with every run and metric row once', async () => {
    // The engine dies in the sweep's second training step: the SFT run's second step.
    const crashing = crashingAt(await cpuEngine(), 2, new Error('The engine crashed.'));
    const env = await sweepEnvironment(crashing);
    const crashed = await runSweepPlan(PLAN, oneSlot(env));
    expect(crashed.status).toBe('failed');
    expect(crashed.message).toMatch(/1 run\(s\) failed: tiny sft \(sft\): The engine crashed\./);
    // Its child at step 1 could start from the checkpoint saved before the crash; the one at step 2 could not.
    expect(crashed.message).toMatch(
      /could not start: tiny rl-b@2 \(its parent sft has no checkpoint at step 2\)/,
    );
    expect((await env.store.getSweep(SWEEP))?.status).toBe('failed');

    // Paused in the next call, once the SFT run has finished and a branch has begun.
    const pause = new AbortController();
    const paused = await runSweepPlan(PLAN, oneSlot(env), pause, {
      onRunEvent: (runId, event) => {
        if (runId === `${SWEEP}-rl-b@2` && event.type === 'metric') pause.abort();
      },
    });
    expect(paused.status).toBe('paused');
    expect(paused.message).toMatch(/Paused with \d of 4 runs finished/);
    const statuses = async (): Promise<string[]> =>
      Promise.all(RUN_IDS.map(async (id) => (await env.store.getRun(id))!.status));
    expect(await statuses()).toEqual(['finished', 'finished', 'paused', 'finished']);

    const resumed = await runSweepPlan(PLAN, oneSlot(env));
    expect(resumed.status).toBe('finished');
    expect((await env.store.getSweep(SWEEP))?.error).toBeNull();
    expect(await rowsByRun(env.store, RUN_IDS)).toEqual(EXPECTED_ROWS);
    expect(await statuses()).toEqual(RUN_IDS.map(() => 'finished'));
  });

  it('pauses, starting no other run, when its pages are closed under a run, and finishes on resume', async () => {
    // Nobody asked to pause: the pages went (the page holding them was closed) during the SFT run.
    const env = await sweepEnvironment();
    const outcome = await runSweepPlan(PLAN, oneSlot(env), new AbortController(), {
      onRunEvent: (runId, event) => {
        if (runId === `${SWEEP}-sft` && event.type === 'metric' && event.metric.step === 1) {
          (env.runner as DomEnvPool).dispose();
        }
      },
    });
    expect(outcome.status).toBe('paused');
    expect(outcome.message).toMatch(/^Paused with 0 of 4 runs finished/);
    expect((await env.store.getSweep(SWEEP))?.status).toBe('paused');
    const sft = await env.store.getRun(`${SWEEP}-sft`);
    expect(sft?.status).toBe('paused');
    // No other run ran on the closed pages.
    for (const id of RUN_IDS.slice(1)) expect(await env.store.metrics(id)).toEqual([]);

    const runner = new DomEnvPool(2, env.runner.envOptions);
    onCleanup(() => runner.dispose());
    const resumed = await runSweepPlan(PLAN, oneSlot({ ...env, runner }));
    expect(resumed.status).toBe('finished');
    expect(await rowsByRun(env.store, RUN_IDS)).toEqual(EXPECTED_ROWS);
  });

  it('pauses on a full store with its message, losing nothing, and finishes once there is room', async () => {
    const env = await sweepEnvironment();
    let checkpoints = 0;
    const full = new Proxy(env.store, {
      get(target, key, receiver) {
        if (key === 'putCheckpoint') {
          return async (...args: Parameters<LabStore['putCheckpoint']>) => {
            if (++checkpoints > 3) throw new StoreFullError('the checkpoint');
            return target.putCheckpoint(...args);
          };
        }
        const value = Reflect.get(target, key, receiver) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const outcome = await runSweepPlan(PLAN, oneSlot({ ...env, store: full }));
    expect(outcome.status).toBe('paused');
    expect(outcome.message).toMatch(/^Storage is full: could not save the checkpoint\./);
    const sweep = await env.store.getSweep(SWEEP);
    expect(sweep).toMatchObject({ status: 'paused', error: outcome.message });
    const stopped = (await env.store.listRuns()).filter((run) => run.status === 'paused');
    expect(stopped.map((run) => run.error)).toEqual([outcome.message]);

    const resumed = await runSweepPlan(PLAN, oneSlot(env));
    expect(resumed.status).toBe('finished');
    expect(await rowsByRun(env.store, RUN_IDS)).toEqual(EXPECTED_ROWS);
  });
});

describe('shards', () => {
  it('split a plan so that every run is owned once, keeping children beside their parents', () => {
    for (const count of [1, 2, 3, 5]) {
      const owners = PLAN.runs.map(
        (run) =>
          Array.from({ length: count }, (_, index) => shardRuns(PLAN, index, count)).filter((share) =>
            share.owned.includes(run),
          ).length,
      );
      expect(owners).toEqual(PLAN.runs.map(() => 1));
    }
    const [first, second] = [shardRuns(PLAN, 0, 2), shardRuns(PLAN, 1, 2)];
    // rl-b@2 goes where it costs its parent too, since the other shard already holds two runs.
    expect(first.owned.map((run) => run.key)).toEqual(['sft', 'rl-a@1', 'rl-only']);
    expect(first.prerequisites).toEqual([]);
    expect(second.owned.map((run) => run.key)).toEqual(['rl-b@2']);
    expect(second.prerequisites.map((run) => run.key)).toEqual(['sft']);
    expect(shardRuns(PLAN, 1, 2)).toEqual(second);
    expect(() => shardRuns(PLAN, 2, 2)).toThrow(/Shard 2 of 2 does not exist: shards are numbered 0 to 1/);
  });

  it('0/2 and 1/2 run the whole sweep between them, two runs at once, each exporting its own runs', async () => {
    const outcomes = [];
    const stores: LabStore[] = [];
    for (const index of [0, 1]) {
      const env = await sweepEnvironment();
      const second = environment(await cpuEngine());
      const slots: SweepEnvironment = {
        store: env.store,
        slot: async (slot) => (slot === 0 ? env : { ...second, store: env.store }),
      };
      const running = new Set<string>();
      let overlapped = false;
      const outcome = await runSweepPlan(PLAN, slots, undefined, {
        shard: { index, count: 2 },
        parallel: 2,
        onRunEvent: (runId, event) => {
          if (event.type !== 'status') return;
          if (event.status === 'running') running.add(runId);
          else running.delete(runId);
          if (running.size > 1) overlapped = true;
        },
      });
      expect(outcome.status).toBe('finished');
      // Shard 0 runs a branch while its parent trains on; shard 1's only branch waits for the parent's last step.
      if (index === 0) expect(overlapped).toBe(true);
      outcomes.push(outcome);
      stores.push(env.store);
    }
    const owned = outcomes.flatMap((outcome) => outcome.ownRunIds);
    expect([...owned].sort()).toEqual([...RUN_IDS].sort());
    // Shard 1 trained the SFT run as its children's parent, but does not count it as its own.
    expect(outcomes[1]!.progress.total).toBe(1);
    expect((await stores[1]!.getRun(`${SWEEP}-sft`))?.status).toBe('finished');
    for (const [index, outcome] of outcomes.entries()) {
      expect(await rowsByRun(stores[index]!, outcome.ownRunIds)).toEqual(
        Object.fromEntries(outcome.ownRunIds.map((id) => [id, EXPECTED_ROWS[id]])),
      );
    }
  });
});
