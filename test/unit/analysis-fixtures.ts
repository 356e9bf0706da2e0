import { createRandom, type Random } from '../../src/core/random.ts';
import { emptyLedger, initialRunState } from '../../src/train/state.ts';
import type { AnalysedRun } from '../../src/analysis/types.ts';
import type {
  HyperparameterValue,
  MetricRecord,
  PhaseSelection,
  RunLineage,
  RunRecord,
  RunSummary,
} from '../../src/store/records.ts';

/** A standard normal draw (Box-Muller) from the seeded stream. */
export function normal(random: Random): number {
  const u = 1 - random.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.next());
}

/** A finished run as the analysis reads it: success on both held-out sets equal unless given. */
export function analysedRun(
  runId: string,
  fields: Partial<AnalysedRun> & { score?: number } = {},
): AnalysedRun {
  const { score = 0.5, ...rest } = fields;
  return {
    runId,
    name: runId,
    sweepId: 'sweep',
    strategy: 'sft+rl',
    sftAmount: 100,
    hyperparameters: {},
    flops: 1e12,
    success: { goals: score, tasks: score },
    curve: [],
    perTask: {},
    ...rest,
  };
}

/**
 * A random-search sweep whose score is a planted function of the sampled values plus normal noise:
 * every hyperparameter's value is drawn uniformly from its list, independently.
 */
export function syntheticSweep(options: {
  runs: number;
  seed: string | number;
  space: Record<string, readonly HyperparameterValue[]>;
  score: (config: Record<string, HyperparameterValue>) => number;
  noise: number;
  sftAmount?: number;
}): AnalysedRun[] {
  const random = createRandom(options.seed);
  return Array.from({ length: options.runs }, (_, i) => {
    const hyperparameters: Record<string, HyperparameterValue> = {};
    for (const [name, values] of Object.entries(options.space)) hyperparameters[name] = random.pick(values);
    const score = options.score(hyperparameters) + options.noise * normal(random);
    return analysedRun(`run-${i}`, { hyperparameters, score, sftAmount: options.sftAmount ?? 100 });
  });
}

const ledger = emptyLedger();

export const selection = (step: number, flops: number, goals: number, tasks: number): PhaseSelection => ({
  selected_step: step,
  heldout_goals_success: goals,
  heldout_goals_stderr: 0,
  heldout_tasks_success: tasks,
  heldout_tasks_stderr: 0,
  flops,
  per_task: { 'click-test': goals },
});

/** A stored run record with what the analysis reads; its state is a blank one. */
export function runRecord(
  id: string,
  fields: {
    status?: RunRecord['status'];
    summary?: RunSummary | null;
    lineage?: Partial<RunLineage>;
    /** The steps of its evaluations after an RL update (RunState.heldOutGoalHistory). */
    rlEvaluations?: number[];
  },
): RunRecord {
  return {
    id,
    name: id,
    createdAt: 0,
    updatedAt: 0,
    config: {},
    status: fields.status ?? 'finished',
    error: null,
    datasetId: null,
    state: {
      ...initialRunState(),
      phase: 'done',
      heldOutGoalHistory: (fields.rlEvaluations ?? []).map((step) => ({ step, success: 0, phase: 'rl' })),
    },
    summary: fields.summary ?? null,
    lineage: {
      sweepId: 'sweep-1',
      strategy: 'sft+rl',
      parent: null,
      sftAmount: 100,
      hyperparameters: {},
      ...fields.lineage,
    },
  };
}

export function summaryOf(id: string, sft: PhaseSelection | null, rl: PhaseSelection | null): RunSummary {
  const reported = (rl ?? sft)!;
  return {
    ...reported,
    run_id: id,
    flops: 99, // the whole run's, beyond its selected checkpoint
    compute: ledger,
    teacher_flops_basis: null,
    wall_s: 1,
    steps: 10,
    sft_flops_at_branch: null,
    sft,
    rl,
  };
}

export const evalRow = (
  runId: string,
  step: number,
  flops: number,
  goals: number,
  tasks: number,
): MetricRecord => ({
  runId,
  kind: 'eval',
  step,
  phase: 'rl',
  flops,
  wallMs: 0,
  values: { heldOutGoalSuccess: goals, heldOutTaskSuccess: tasks, heldOutGoalStderr: 0.1 },
});
