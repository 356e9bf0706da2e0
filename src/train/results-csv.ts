import type { MetricRecord, RunRecord } from '../store/records.ts';

/*
 * The results as CSV for spreadsheets and pandas: one table of runs, one of metric rows. Columns
 * that vary (hyperparameters, metric values) are the union over the rows, sorted; a missing value is
 * an empty field.
 */

type RunEntries = readonly { run: RunRecord; metrics: readonly MetricRecord[] }[];

const COMPUTE_PARTS = ['teacher', 'sftTraining', 'rollouts', 'rlTraining', 'evaluation'] as const;
const METRIC_COLUMNS = [
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
export function metricsCsv(runs: RunEntries): string {
  const valueNames = [
    ...new Set(runs.flatMap(({ metrics }) => metrics.flatMap((row) => Object.keys(row.values)))),
  ].sort();
  const lines = [[...METRIC_COLUMNS, ...valueNames].map(csvField).join(',')];
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

const RUN_COLUMNS = [
  'run_id',
  'run_name',
  'strategy',
  'sweep_id',
  'sft_amount',
  'parent_run_id',
  'parent_step',
  'status',
] as const;
/** The summary's figures; empty for a run that has not finished. */
const SUMMARY_COLUMNS = [
  'heldout_goals_success',
  'heldout_goals_stderr',
  'heldout_tasks_success',
  'heldout_tasks_stderr',
  'selected_step',
  'steps',
  'wall_s',
  'sft_flops_at_branch',
] as const;

/**
 * One row per run: its lineage, its sampled hyperparameters (hp_<name>, the union over the runs),
 * its summary's figures, and its training FLOPs with their breakdown (the summary's, else the
 * latest state's, so an unfinished run still shows what it spent).
 */
export function runsCsv(runs: RunEntries): string {
  const hyperparameters = [
    ...new Set(runs.flatMap(({ run }) => Object.keys(run.lineage.hyperparameters))),
  ].sort();
  const header = [
    ...RUN_COLUMNS,
    ...hyperparameters.map((name) => `hp_${name}`),
    ...SUMMARY_COLUMNS,
    'training_flops',
    ...COMPUTE_PARTS.map((part) => `flops_${part}`),
  ];
  const lines = [header.map(csvField).join(',')];
  for (const { run } of runs) {
    const { lineage, summary } = run;
    const compute = summary?.compute ?? run.state.compute;
    const trainingFlops =
      summary?.flops ?? compute.teacher + compute.sftTraining + compute.rollouts + compute.rlTraining;
    const fields = [
      run.id,
      run.name,
      lineage.strategy,
      lineage.sweepId ?? undefined,
      lineage.sftAmount ?? undefined,
      lineage.parent?.runId,
      lineage.parent?.step,
      run.status,
      ...hyperparameters.map((name) => lineage.hyperparameters[name]),
      ...SUMMARY_COLUMNS.map((column) => summary?.[column] ?? undefined),
      trainingFlops,
      ...COMPUTE_PARTS.map((part) => compute[part]),
    ];
    lines.push(fields.map(csvField).join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled; a missing value is empty. */
function csvField(value: string | number | boolean | undefined): string {
  if (value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
