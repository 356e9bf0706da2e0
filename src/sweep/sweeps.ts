import type { SweepRecord } from '../store/records.ts';
import type { LabStore } from '../store/store.ts';
import type { RunControl } from '../train/run-environment.ts';
import { planSweep } from './plan.ts';
import { runSweepPlan, type SweepEnvironment, type SweepOutcome, type SweepRunOptions } from './queue.ts';
import { parseSweepSpec, sweepIdOf } from './spec.ts';
import type { SweepPlan } from './types.ts';

/**
 * A sweep as the page and the CLI use it: a spec stored as a SweepRecord, planned again from it
 * whenever it runs. Its id comes from the spec (sweepIdOf), so every machine that is given the same
 * spec names the same sweep and the same runs: shards merge, and creating it again finds it.
 */

/**
 * Validates the spec and plans it (a spec whose plan cannot run is refused too), then stores the
 * sweep, status 'created'; a sweep with that id already stored is returned as it is, so a second
 * start of the same spec resumes it. A bad spec stores nothing.
 */
export async function createSweep(
  store: LabStore,
  specJson: unknown,
  options: { name?: string; id?: string } = {},
): Promise<SweepRecord> {
  const spec = parseSweepSpec(specJson);
  const id = options.id ?? sweepIdOf(spec);
  planSweep(spec, id);
  const existing = await store.getSweep(id);
  if (existing) return existing;
  const now = Date.now();
  const record: SweepRecord = {
    id,
    name: options.name ?? spec.name,
    createdAt: now,
    updatedAt: now,
    spec: specJson as SweepRecord['spec'],
    status: 'created',
    error: null,
  };
  await store.putSweep(record);
  return record;
}

/** The stored sweep's plan, from its spec. */
export function planOfSweep(record: SweepRecord): SweepPlan {
  return planSweep(parseSweepSpec(record.spec, `The stored spec of sweep ${record.name}`), record.id);
}

/** Plans the stored sweep and runs it (queue.ts), or this shard's share of it. */
export async function runSweep(
  sweepId: string,
  env: SweepEnvironment,
  control: Pick<RunControl, 'signal'> = {},
  options: SweepRunOptions = {},
): Promise<SweepOutcome> {
  const record = await env.store.getSweep(sweepId);
  if (!record) throw new Error(`No sweep ${sweepId} in the store: create it first (createSweep).`);
  return runSweepPlan(planOfSweep(record), env, control, options);
}
