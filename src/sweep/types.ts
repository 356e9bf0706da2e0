import type { HyperparameterValue, Strategy } from '../store/records.ts';
import type { RunConfigInput } from '../train/config.ts';

/**
 * CONTRACT between the sweep's planner (spec.ts, sample.ts, plan.ts: `parseSweepSpec(json)` and
 * `planSweep(spec, sweepId)`) and its runner (the queue, shards). A plan is a pure function of the
 * spec and the sweep id: every machine and every shard computes the same one.
 */

/** One run of a sweep. */
export interface PlannedRun {
  /** Unique within the plan and stable across machines, e.g. "sft-0" or "sft+rl-3@200". */
  key: string;
  /** Its id in the store, from the sweep id and the key, so shards name it alike and merges skip it once present. */
  runId: string;
  name: string;
  strategy: Strategy;
  /** What createRun is given; a branched run's `branch` names its parent's runId and step. */
  config: RunConfigInput;
  /** The planned run it starts from and the step of that run's checkpoint; it can start once that checkpoint exists. */
  parent: { key: string; step: number } | null;
  /** RunLineage.sftAmount, in the spec's unit: 0 for RL from the base student. */
  sftAmount: number | null;
  /** The sampled values under the paper's names. */
  hyperparameters: Record<string, HyperparameterValue>;
  /** Its estimated training FLOPs (model/flops.ts), for the plan's table and the ETA. */
  estimatedFlops: number;
}

export interface SweepPlan {
  sweepId: string;
  /** Every parent comes before its children. */
  runs: PlannedRun[];
  /** The SFT amounts RL branches at, in the spec's unit, rising (0 is RL from the base student). */
  sftAmounts: number[];
  /** 'steps' or 'flops': the unit of sftAmount. */
  sftAmountUnit: 'steps' | 'flops';
}
