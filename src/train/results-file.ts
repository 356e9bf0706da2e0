import { z } from 'zod';
import { runFromStorage, withoutApiKeys } from '../store/store.ts';
import { RunConfigSchema } from './config.ts';
import type { MetricRecord, RunRecord } from '../store/records.ts';
import type { LabStore } from '../store/store.ts';

/**
 * Results leave the lab as one JSON file (runs with their curves; no checkpoints, no traces), so
 * several machines' results can be merged by importing each file: a run already present is skipped.
 */

/**
 * 2: every curve's `flops` is training compute (evaluation excluded), rows carry the compute
 * breakdown, and summaries keep SFT's and RL's selections apart. Version 1 files counted evaluation
 * on the axis, so their curves cannot be set beside these.
 */
export const RESULTS_SCHEMA_VERSION = 2;

export interface ResultsFile {
  schema: 'web-agent-lab/results';
  version: number;
  exportedAt: string;
  runs: { run: RunRecord; metrics: MetricRecord[] }[];
}

/** The named runs and all their metrics; configurations lose their LLM key. */
export async function exportResults(store: LabStore, runIds: readonly string[]): Promise<ResultsFile> {
  const runs: ResultsFile['runs'] = [];
  for (const id of runIds) {
    const run = await store.getRun(id);
    if (run === undefined) throw new Error(`Run ${id} is not in the store: nothing was exported.`);
    runs.push({ run: { ...run, config: withoutApiKeys(run.config) }, metrics: await store.metrics(id) });
  }
  return {
    schema: 'web-agent-lab/results',
    version: RESULTS_SCHEMA_VERSION,
    exportedAt: new Date().toISOString(),
    runs,
  };
}

/** How many problems an error lists before "and N more". */
const LISTED_PROBLEMS = 5;

/** A results file from untrusted JSON (text or parsed), checked field by field; else an error naming the first problems. */
export function parseResultsFile(json: unknown): ResultsFile {
  let value = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`The results file is not JSON (${reason}). Nothing was imported.`, { cause: error });
    }
  }
  const parsed = ResultsFileSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const path = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
    return `${path}: ${issue.message}`;
  });
  const more = problems.length > LISTED_PROBLEMS ? `; and ${problems.length - LISTED_PROBLEMS} more` : '';
  throw new Error(
    `The results file is not valid: ${problems.slice(0, LISTED_PROBLEMS).join('; ')}${more}. Nothing was ` +
      'imported: export it again from the lab that made it.',
  );
}

/**
 * Adds the file's runs that the store lacks; a run whose id is already there is skipped, so merged
 * files import without duplicates. A run's metrics are written before the run itself, so a run that
 * is present is complete: an import cut short (a full store) is finished by importing again.
 */
export async function importResults(
  store: LabStore,
  file: ResultsFile,
): Promise<{ added: number; skipped: number }> {
  const checked = parseResultsFile(file);
  let added = 0;
  let skipped = 0;
  for (const { run, metrics } of checked.runs) {
    if ((await store.getRun(run.id)) !== undefined) {
      skipped++;
      continue;
    }
    await store.putMetrics(metrics);
    await store.putRun({ ...run, config: withoutApiKeys(run.config) });
    added++;
  }
  return { added, skipped };
}

const COMPUTE_PARTS = ['teacher', 'sftTraining', 'rollouts', 'rlTraining', 'evaluation'] as const;
const FIXED_COLUMNS = [
  'run_id',
  'run_name',
  'kind',
  'step',
  'phase',
  'flops',
  ...COMPUTE_PARTS.map((part) => `flops_${part}`),
  'wall_ms',
] as const;

/** One row per metric record; the value columns are the union of value names over all rows, sorted. */
export function metricsCsv(runs: ResultsFile['runs']): string {
  const valueNames = [
    ...new Set(runs.flatMap(({ metrics }) => metrics.flatMap((row) => Object.keys(row.values)))),
  ].sort();
  const lines = [[...FIXED_COLUMNS, ...valueNames].map(csvField).join(',')];
  for (const { run, metrics } of runs) {
    for (const row of metrics) {
      const compute = COMPUTE_PARTS.map((part) => row.compute?.[part]);
      const fixed = [run.id, run.name, row.kind, row.step, row.phase, row.flops, ...compute, row.wallMs];
      const values = valueNames.map((name) => row.values[name]);
      lines.push([...fixed, ...values].map(csvField).join(','));
    }
  }
  return `${lines.join('\n')}\n`;
}

/** RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled; a missing value is empty. */
function csvField(value: string | number | undefined): string {
  if (value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/*
 * The file's schema, typed against records.ts (a field added there fails to compile here until it is
 * added, with a default so older files still import). Objects other than the configuration drop
 * unknown keys; the configuration is strict, as everywhere in the lab.
 */

const count = z.number().int().nonnegative();
const phase = z.enum(['sft', 'rl', 'done']);
/** JSON writes NaN (a diverged loss) as null: it reads back as NaN. */
const metricValue = z
  .number()
  .nullable()
  .transform((value) => value ?? Number.NaN);

const ComputeSchema = z.object({
  teacher: z.number(),
  sftTraining: z.number(),
  rlTraining: z.number(),
  rollouts: z.number(),
  evaluation: z.number(),
});

const RunStateSchema = z.object({
  phase,
  step: count,
  sftSteps: count,
  rlIterations: count,
  compute: ComputeSchema,
  wallMs: z.number(),
  heldOutGoalHistory: z.array(z.object({ step: count, success: z.number(), phase: z.enum(['sft', 'rl']) })),
  teacherCost: z.object({ flops: z.number(), basis: z.string(), examples: count }).nullable(),
  rowsRecorded: count,
  taskSuccess: z.record(z.string(), z.number()),
  sftFlopsAtBranch: z.number().nullable().default(null),
});

const PhaseSelectionSchema = z.object({
  selected_step: count,
  heldout_goals_success: z.number(),
  heldout_goals_stderr: z.number(),
  heldout_tasks_success: z.number(),
  heldout_tasks_stderr: z.number(),
  flops: z.number(),
  per_task: z.record(z.string(), z.number()),
});

const RunSummarySchema = PhaseSelectionSchema.extend({
  run_id: z.string(),
  compute: ComputeSchema,
  teacher_flops_basis: z.string().nullable(),
  wall_s: z.number(),
  steps: count,
  sft_flops_at_branch: z.number().nullable().default(null),
  sft: PhaseSelectionSchema.nullable(),
  rl: PhaseSelectionSchema.nullable(),
});

const LineageSchema = z.object({
  sweepId: z.string().nullable(),
  strategy: z.enum(['sft', 'rl', 'sft+rl']),
  parent: z.object({ runId: z.string(), step: count }).nullable(),
  sftAmount: z.number().nullable(),
  hyperparameters: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
});

const RunRecordSchema = z
  .object({
    id: z.string().min(1),
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
  .transform((run) => runFromStorage(run as RunRecord));

const MetricRecordSchema = z.object({
  runId: z.string(),
  kind: z.enum(['train', 'eval']),
  step: count,
  phase,
  flops: z.number(),
  compute: ComputeSchema.optional(),
  wallMs: z.number(),
  values: z.record(z.string(), metricValue),
  perTask: z.record(z.string(), metricValue).optional(),
});

const ResultsFileSchema = z.object({
  schema: z.literal('web-agent-lab/results', { error: 'not a web-agent-lab results file' }),
  version: z.literal(RESULTS_SCHEMA_VERSION, {
    error:
      `this lab reads results version ${RESULTS_SCHEMA_VERSION}: update the lab for newer files; version 1 ` +
      "files put evaluation compute on the curves' axis and cannot be compared with these",
  }),
  exportedAt: z.string(),
  runs: z.array(
    z
      .object({ run: RunRecordSchema, metrics: z.array(MetricRecordSchema) })
      .superRefine(({ run, metrics }, context) => {
        const stray = metrics.findIndex((row) => row.runId !== run.id);
        if (stray >= 0) {
          context.addIssue({
            code: 'custom',
            path: ['metrics', stray, 'runId'],
            message: `belongs to run ${metrics[stray]?.runId}, not to run ${run.id} it is filed under`,
          });
        }
      }),
  ),
});
