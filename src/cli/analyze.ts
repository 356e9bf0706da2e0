import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { analysedRunsOf } from '../analysis/runs.ts';
import { orderedJson } from '../analysis/json.ts';
import { analyzeRuns } from '../analysis/summary.ts';
import { HELD_OUT_SETS, type AnalysedRun, type AnalysisSummary } from '../analysis/types.ts';
import type { MetricRecord, RunRecord } from '../store/records.ts';
import { parseResultsFile, type ResultsFile } from '../train/results-file.ts';
import type { Command } from './args.ts';
import type { CliIo } from './io.ts';
import { writeFigures } from './figures.ts';

type AnalyzeCommand = Extract<Command, { kind: 'analyze' }>;

/**
 * `npm run lab -- analyze FILE... --out DIR`: the statistical diagnosis of results files, merged
 * (shards of one sweep, or machines that ran different sweeps). Returns the exit code: 0 written,
 * 2 a file or folder the user has to fix.
 */
export async function runAnalyzeCommand(command: AnalyzeCommand, io: CliIo): Promise<number> {
  const files: ResultsFile[] = [];
  for (const path of command.files) {
    const file = await readResultsFile(path);
    if (typeof file === 'string') {
      io.err(`lab: ${file}`);
      return 2;
    }
    files.push(file);
  }
  const { runs, metrics } = mergeResults(files);
  const analysed = analysedRunsOf(runs, metrics);
  const summary = analyzeRuns(analysed, {
    ...(command.resamples !== null && { resamples: command.resamples }),
    ...(command.seed !== null && { seed: command.seed }),
  });
  let written: string[];
  try {
    written = await writeAnalysis(command.outDir, summary, analysed);
  } catch (error) {
    io.err(
      `lab: Cannot write the analysis to ${command.outDir}: ${(error as Error).message}. Name a folder with --out.`,
    );
    return 2;
  }
  if (command.json) io.out(orderedJson(summary));
  else printAnalysis(summary, runs.length, files.length, written, io);
  return 0;
}

/** Everything the command writes in the folder (summary.json and the Results page's figures as SVG); the paths written. */
export async function writeAnalysis(
  outDir: string,
  summary: AnalysisSummary,
  runs: readonly AnalysedRun[],
): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const path = join(outDir, 'summary.json');
  await writeFile(path, `${orderedJson(summary, 2)}\n`);
  return [path, ...(await writeFigures(summary, runs, outDir))];
}

/** The file checked whole, or the message that says what is wrong with it. */
async function readResultsFile(path: string): Promise<ResultsFile | string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    return `Cannot read the results file ${path}: ${(error as Error).message}. Name a file exported from the lab or written by a sweep.`;
  }
  try {
    return parseResultsFile(text);
  } catch (error) {
    return `${path}: ${(error as Error).message}`;
  }
}

/**
 * One record per run id over all the files. A run in several files (a shard's file written before
 * and after it finished, or one run exported twice) is read once: its finished copy with a summary
 * when there is one, else the first; its metric rows are that copy's.
 */
export function mergeResults(files: readonly ResultsFile[]): {
  runs: RunRecord[];
  metrics: Map<string, MetricRecord[]>;
} {
  const byId = new Map<string, ResultsFile['runs'][number]>();
  const finished = (entry: ResultsFile['runs'][number]): boolean =>
    entry.run.status === 'finished' && entry.run.summary !== null;
  for (const file of files) {
    for (const entry of file.runs) {
      const kept = byId.get(entry.run.id);
      if (kept === undefined || (!finished(kept) && finished(entry))) byId.set(entry.run.id, entry);
    }
  }
  const entries = [...byId.values()];
  return {
    runs: entries.map((entry) => entry.run),
    metrics: new Map(entries.map((entry) => [entry.run.id, entry.metrics])),
  };
}

const percent = (x: number): string => `${(100 * x).toFixed(1)}%`;
const flops = (x: number): string => x.toExponential(2);

function printAnalysis(
  summary: AnalysisSummary,
  mergedRuns: number,
  fileCount: number,
  written: readonly string[],
  io: CliIo,
): void {
  io.out(
    `Analysed ${summary.runs} finished runs of ${mergedRuns} in ${fileCount} file${fileCount === 1 ? '' : 's'}; ` +
      `SFT amounts ${summary.sft_amounts.join(', ') || '(none)'}; bootstrap B = ${summary.bootstrap.resamples}, seed ${summary.bootstrap.seed}.`,
  );
  for (const set of HELD_OUT_SETS) {
    const name = set === 'goals' ? 'held-out goals' : 'held-out tasks';
    const recommended = Object.entries(summary.recommended[set]).map(([knob, value]) => {
      const winRate = summary.hyperparameters[set][knob]?.values[value]?.win_rate ?? 0;
      return `${knob}=${value} (${percent(winRate)})`;
    });
    io.out(
      `Recommended on ${name} (pooled win rate): ${recommended.join(', ') || '(no RL hyperparameters)'}`,
    );
    const match = summary.compute_to_match_sft[set];
    if (match === null) io.out(`  No pure SFT run evaluated on ${name}: nothing to match.`);
    else if (match.sft_rl_flops === null || match.fraction === null)
      io.out(`  SFT+RL never reached pure SFT's peak of ${percent(match.sft_peak)} on ${name}.`);
    else
      io.out(
        `  SFT+RL reached pure SFT's peak of ${percent(match.sft_peak)} at ${flops(match.sft_rl_flops)} FLOPs, ` +
          `${percent(match.fraction)} of SFT's ${flops(match.sft_peak_flops)}.`,
      );
  }
  const flagged = summary.by_sft_amount.filter((amount) => amount.held_out === 'goals');
  for (const amount of flagged) {
    if (amount.coverage.length > 0)
      io.out(
        `Coverage at SFT amount ${amount.sft_amount}: ${amount.coverage.length} thin spot${amount.coverage.length === 1 ? '' : 's'} (see coverage in summary.json).`,
      );
  }
  const [summaryPath, ...figures] = written;
  io.out(`Wrote ${summaryPath} and ${figures.length} figures (SVG) beside it.`);
}
