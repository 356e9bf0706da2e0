import { z } from 'zod';
import type { MetricRecord, RunRecord, SweepRecord } from '../store/records.ts';
import { isStorableId, runFromStorage } from '../store/store.ts';
import { RunConfigSchema } from './config.ts';

/*
 * A results file's schema, shape and meaning together: a field of the wrong type and a value no run
 * can produce (a success of 5, negative FLOPs, a finished run without its summary, two different rows
 * for one step) are refused alike, each with its path and what is allowed. Typed against records.ts
 * through the parsed types, with defaults so older files still import. Objects other than the
 * configuration drop unknown keys; the configuration is strict, as everywhere in the lab.
 */

/** The versions this lab reads: 2 (no sweeps, no environment) and 3. */
export const READABLE_VERSIONS = [2, 3] as const;

const count = z.number().int().nonnegative();
const phase = z.enum(['sft', 'rl', 'done']);

const id = z.string().refine(isStorableId, {
  error: (issue) =>
    `"${String(issue.input)}" is not a lab id: ids are letters, digits, '.', '_' and '-' (not first), ` +
    'at most 200 characters',
});

const flops = z
  .number({
    error: (issue) => `${describe(issue.input)} is not a FLOP count: FLOPs are finite numbers, 0 or more`,
  })
  .nonnegative({ error: (issue) => `${describe(issue.input)} FLOPs: FLOPs are 0 or more` });

const fraction = z.number().min(0, { error: outsideUnit }).max(1, { error: outsideUnit });

function outsideUnit(issue: { input?: unknown }): string {
  return `a success rate of ${describe(issue.input)}: success rates are fractions from 0 to 1`;
}

function describe(value: unknown): string {
  return typeof value === 'number' || value === null ? String(value) : (JSON.stringify(value) ?? 'nothing');
}

/** JSON writes NaN (a diverged loss, a rate that could not be measured) as null: it reads back as NaN. */
const metricValue = z.union([z.number(), z.nan(), z.null()]).transform((value) => value ?? Number.NaN);

const ComputeSchema = z.object({
  teacher: flops,
  sftTraining: flops,
  rlTraining: flops,
  rollouts: flops,
  evaluation: flops,
});

const RunStateSchema = z.object({
  phase,
  step: count,
  sftSteps: count,
  rlIterations: count,
  compute: ComputeSchema,
  wallMs: z.number(),
  heldOutGoalHistory: z.array(z.object({ step: count, success: fraction, phase: z.enum(['sft', 'rl']) })),
  teacherCost: z.object({ flops, basis: z.string(), examples: count }).nullable(),
  rowsRecorded: count,
  taskSuccess: z.record(z.string(), fraction),
  sftFlopsAtBranch: flops.nullable().default(null),
});

const PhaseSelectionSchema = z.object({
  selected_step: count,
  heldout_goals_success: fraction,
  heldout_goals_stderr: z.number(),
  heldout_tasks_success: fraction,
  heldout_tasks_stderr: z.number(),
  flops,
  per_task: z.record(z.string(), fraction),
});

const RunSummarySchema = PhaseSelectionSchema.extend({
  run_id: z.string(),
  compute: ComputeSchema,
  teacher_flops_basis: z.string().nullable(),
  wall_s: z.number(),
  steps: count,
  sft_flops_at_branch: flops.nullable().default(null),
  sft: PhaseSelectionSchema.nullable(),
  rl: PhaseSelectionSchema.nullable(),
});

const LineageSchema = z.object({
  sweepId: id.nullable(),
  strategy: z.enum(['sft', 'rl', 'sft+rl']),
  parent: z.object({ runId: id, step: count }).nullable(),
  sftAmount: z.number().nullable(),
  hyperparameters: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
});

const RunRecordSchema = z
  .object({
    id,
    name: z.string(),
    createdAt: z.number(),
    updatedAt: z.number(),
    config: RunConfigSchema,
    status: z.enum(['created', 'running', 'paused', 'finished', 'failed']),
    error: z.string().nullable(),
    datasetId: z.string().nullable(),
    state: RunStateSchema,
    summary: RunSummarySchema.nullable(),
    // Files exported before lineage existed get the one their configuration implies.
    lineage: LineageSchema.optional(),
  })
  .superRefine((run, context) => {
    if (run.status === 'finished' && run.summary === null) {
      context.addIssue({
        code: 'custom',
        path: ['summary'],
        message: 'a finished run carries its summary: export it again from the lab that ran it',
      });
    }
    if (run.summary !== null && run.summary.run_id !== run.id) {
      context.addIssue({
        code: 'custom',
        path: ['summary', 'run_id'],
        message: `is run ${run.summary.run_id}'s summary, filed under run ${run.id}: a summary is its own run's`,
      });
    }
  })
  .transform((run) => runFromStorage(run as RunRecord));

/** Values whose name ends in "success" are rates; others (loss, gradNorm) may be any number. */
const SUCCESS_NAME = /success$/i;

const MetricRecordSchema = z
  .object({
    runId: z.string(),
    kind: z.enum(['train', 'eval']),
    step: count,
    phase,
    flops,
    compute: ComputeSchema.optional(),
    wallMs: z.number(),
    values: z.record(z.string(), metricValue),
    perTask: z.record(z.string(), metricValue).optional(),
  })
  .superRefine((row, context) => {
    const rates = [
      ...Object.entries(row.values)
        .filter(([name]) => SUCCESS_NAME.test(name))
        .map(([name, value]) => [['values', name], value] as const),
      ...Object.entries(row.perTask ?? {}).map(([task, value]) => [['perTask', task], value] as const),
    ];
    for (const [path, value] of rates) {
      // NaN (null in JSON) is a rate that could not be measured, and is kept as such.
      if (Number.isNaN(value) || (value >= 0 && value <= 1)) continue;
      context.addIssue({ code: 'custom', path: [...path], message: outsideUnit({ input: value }) });
    }
  });

const SweepRecordSchema = z.object({
  id,
  name: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
  spec: z.record(z.string(), z.unknown()),
  status: z.enum(['created', 'running', 'paused', 'finished', 'cancelled', 'failed']),
  error: z.string().nullable(),
});

const EnvironmentSchema = z.object({
  labVersion: z.string(),
  runtime: z.string(),
  adapter: z.string().nullable(),
  engine: z.string().nullable(),
});

const RunEntrySchema = z
  .object({ run: RunRecordSchema, metrics: z.array(MetricRecordSchema) })
  .superRefine(({ run, metrics }, context) => {
    const seen = new Map<string, number>();
    metrics.forEach((row, i) => {
      if (row.runId !== run.id) {
        context.addIssue({
          code: 'custom',
          path: ['metrics', i, 'runId'],
          message: `belongs to run ${row.runId}, not to run ${run.id} it is filed under`,
        });
      }
      const key = `${row.kind}:${row.step}`;
      const first = seen.get(key);
      if (first === undefined) seen.set(key, i);
      else if (!sameRow(metrics[first] as MetricRecord, row)) {
        context.addIssue({
          code: 'custom',
          path: ['metrics', i],
          message:
            `is a second ${row.kind} row at step ${row.step} with other values than metrics.${first}: a ` +
            'run has one row per kind and step (identical repeats are merged)',
        });
      }
    });
  });

/** Rows equal as JSON writes them (NaN and null alike): a repeat that merging two files may produce. */
export function sameRow(a: MetricRecord, b: MetricRecord): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export const ResultsFileSchema = z
  .object({
    schema: z.literal('web-agent-lab/results', { error: 'not a web-agent-lab results file' }),
    version: z.union(
      READABLE_VERSIONS.map((version) => z.literal(version)),
      {
        error:
          `this lab reads results versions ${READABLE_VERSIONS.join(' and ')}: update the lab for newer ` +
          "files; version 1 files put evaluation compute on the curves' axis and cannot be compared with these",
      },
    ),
    exportedAt: z.string(),
    environment: EnvironmentSchema.nullable().default(null),
    sweeps: z.array(SweepRecordSchema).default([]),
    runs: z.array(RunEntrySchema),
  })
  .superRefine((file, context) => {
    const repeated = (ids: string[], path: (i: number) => (string | number)[], what: string) => {
      const first = new Map<string, number>();
      ids.forEach((value, i) => {
        const earlier = first.get(value);
        if (earlier === undefined) first.set(value, i);
        else {
          context.addIssue({
            code: 'custom',
            path: path(i),
            message: `repeats ${what} ${value} of ${what}s.${earlier}: each ${what} is given once`,
          });
        }
      });
    };
    repeated(
      file.sweeps.map((sweep) => sweep.id),
      (i) => ['sweeps', i, 'id'],
      'sweep',
    );
    repeated(
      file.runs.map(({ run }) => run.id),
      (i) => ['runs', i, 'run', 'id'],
      'run',
    );
  });

// A field added to records.ts without the schema here fails to compile.
type Parsed = z.output<typeof ResultsFileSchema>;
type Covers<T extends U, U> = T;
export type ParsedRuns = Covers<Parsed['runs'], { run: RunRecord; metrics: MetricRecord[] }[]>;
export type ParsedSweeps = Covers<Parsed['sweeps'], SweepRecord[]>;
