import { readFile } from 'node:fs/promises';
import { planSweep } from '../sweep/plan.ts';
import { parseSweepSpec, sweepIdOf } from '../sweep/spec.ts';
import type { SweepPlan } from '../sweep/types.ts';
import type { SweepCommand } from './args.ts';
import type { CliIo } from './io.ts';

/**
 * `npm run lab -- sweep --spec FILE --plan [--json]`: the plan of a sweep, the same on every
 * machine. Returns the exit code: 0, or 2 for a spec that cannot be read, parsed or planned (one
 * message saying which field to fix).
 */
export async function runSweepCommand(command: SweepCommand, io: CliIo): Promise<number> {
  let plan: SweepPlan;
  try {
    const spec = parseSweepSpec(await readJson(command.specPath), command.specPath);
    plan = planSweep(spec, command.sweepId ?? sweepIdOf(spec));
  } catch (error) {
    io.err(`lab: ${(error as Error).message}`);
    return 2;
  }
  const summary = planSummary(plan);
  if (!command.json) for (const line of planTable(plan)) io.out(line);
  io.out(JSON.stringify(summary));
  return 0;
}

export async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(
      `Cannot read the sweep spec ${path}: ${(error as Error).message}. Name a JSON file, e.g. configs/sweep-tiny.json.`,
      { cause: error },
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new Error(`The sweep spec ${path} is not JSON: ${(error as Error).message}.`, { cause: error });
  }
}

/** The plan as `--plan --json` prints it: totals first, then every run without its configuration. */
export function planSummary(plan: SweepPlan): Record<string, unknown> {
  const byStrategy: Record<string, number> = {};
  for (const run of plan.runs) byStrategy[run.strategy] = (byStrategy[run.strategy] ?? 0) + 1;
  return {
    runs: plan.runs.length,
    sweep_id: plan.sweepId,
    sft_amounts: plan.sftAmounts,
    sft_amount_unit: plan.sftAmountUnit,
    by_strategy: byStrategy,
    estimated_flops: plan.runs.reduce((sum, run) => sum + run.estimatedFlops, 0),
    runs_list: plan.runs.map((run) => ({
      key: run.key,
      runId: run.runId,
      strategy: run.strategy,
      sftAmount: run.sftAmount,
      parent: run.parent,
      hyperparameters: run.hyperparameters,
      estimatedFlops: run.estimatedFlops,
    })),
  };
}

/** A table for a person: one row per run. */
function planTable(plan: SweepPlan): string[] {
  const rows = plan.runs.map((run) => [
    run.key,
    run.strategy,
    run.sftAmount === null ? '-' : String(run.sftAmount),
    run.parent ? `${run.parent.key}@${run.parent.step}` : '-',
    run.estimatedFlops.toExponential(2),
  ]);
  const header = ['key', 'strategy', `SFT ${plan.sftAmountUnit}`, 'from', 'est. FLOPs'];
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const format = (row: string[]): string => row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ');
  const total = plan.runs.reduce((sum, run) => sum + run.estimatedFlops, 0);
  return [
    `Sweep ${plan.sweepId}: ${plan.runs.length} runs, about ${total.toExponential(2)} training FLOPs.`,
    format(header),
    ...rows.map(format),
  ];
}
