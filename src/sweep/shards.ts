import type { PlannedRun, SweepPlan } from './types.ts';

/**
 * Splitting a sweep over N machines (`--shard i/N`): every machine computes the same plan and the
 * same split, so shards need no coordination and their results files merge without duplicates.
 *
 * A run is owned by exactly one shard. A branched run needs its parent's checkpoint, so a shard that
 * owns a child but not its parent trains the parent itself, as a prerequisite: it is kept in that
 * shard's store but neither counted nor exported as the shard's own (its owner exports it). The split
 * keeps children beside their parents unless that unbalances the shards by more than the parent's
 * cost: each run, in plan order, goes to the shard whose load (estimated FLOPs of everything it must
 * train, prerequisites included) grows least by taking it, the lowest index on a tie.
 */

export interface Shard {
  index: number;
  count: number;
}

export interface ShardShare {
  /** The runs this shard runs and exports, in plan order. */
  owned: PlannedRun[];
  /** Ancestors of owned runs that another shard owns: trained here too, in plan order, not exported. */
  prerequisites: PlannedRun[];
}

/** The runs shard `index` of `count` owns, and the ones it trains only as their parents. */
export function shardRuns(plan: SweepPlan, index: number, count: number): ShardShare {
  checkShard({ index, count });
  const byKey = new Map(plan.runs.map((run) => [run.key, run]));
  const ancestors = (run: PlannedRun): PlannedRun[] => {
    const chain: PlannedRun[] = [];
    for (let key = run.parent?.key; key !== undefined; key = byKey.get(key)?.parent?.key) {
      const parent = byKey.get(key);
      if (!parent) throw new Error(`Planned run ${run.key} branches from ${key}, which is not in the plan.`);
      chain.push(parent);
    }
    return chain;
  };
  const load = new Array<number>(count).fill(0);
  const present = Array.from({ length: count }, () => new Set<string>());
  const owner = new Map<string, number>();
  for (const run of plan.runs) {
    const chain = ancestors(run);
    let best = 0;
    let bestLoad = Infinity;
    for (let shard = 0; shard < count; shard++) {
      const missing = chain.filter((parent) => !present[shard]!.has(parent.key));
      const cost = missing.reduce((sum, parent) => sum + parent.estimatedFlops, run.estimatedFlops);
      if (load[shard]! + cost < bestLoad) {
        best = shard;
        bestLoad = load[shard]! + cost;
      }
    }
    load[best] = bestLoad;
    for (const key of [run.key, ...chain.map((parent) => parent.key)]) present[best]!.add(key);
    owner.set(run.key, best);
  }
  return {
    owned: plan.runs.filter((run) => owner.get(run.key) === index),
    prerequisites: plan.runs.filter((run) => present[index]!.has(run.key) && owner.get(run.key) !== index),
  };
}

/** "1/4" as { index: 1, count: 4 }; the message says what is allowed. */
export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!match) throw new Error(`--shard ${text} is not i/N: write e.g. 0/4 for the first of 4 shards.`);
  const shard = { index: Number(match[1]), count: Number(match[2]) };
  checkShard(shard);
  return shard;
}

function checkShard({ index, count }: Shard): void {
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new Error(`A sweep splits into N >= 1 shards, not ${count}.`);
  }
  if (!Number.isSafeInteger(index) || index < 0 || index >= count) {
    throw new Error(`Shard ${index} of ${count} does not exist: shards are numbered 0 to ${count - 1}.`);
  }
}
