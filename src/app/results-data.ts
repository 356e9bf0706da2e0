import { analysedRunsOf } from '../analysis/runs.ts';
import { analyzeRuns } from '../analysis/summary.ts';
import type { AnalysedRun, AnalysisSummary } from '../analysis/types.ts';
import type { RunRecord } from '../store/records.ts';
import type { LabStore } from '../store/store.ts';

export interface StoredStudy {
  /** Every stored run, newest first. */
  runs: RunRecord[];
  /** The finished ones, as the analysis reads them. */
  analysed: AnalysedRun[];
  /** Their analysis; null when no run is finished. */
  summary: AnalysisSummary | null;
}

/**
 * Every run in the store and the analysis of the finished ones: the same analyzeRuns, with its
 * default resamples and seed, that `npm run lab -- analyze` writes summary.json with.
 */
export async function readStudy(store: LabStore): Promise<StoredStudy> {
  const runs = await store.listRuns();
  const finished = runs.filter((run) => run.status === 'finished');
  const metrics = new Map(
    await Promise.all(finished.map(async (run) => [run.id, await store.metrics(run.id, 'eval')] as const)),
  );
  const analysed = analysedRunsOf(runs, metrics);
  return { runs, analysed, summary: analysed.length > 0 ? analyzeRuns(analysed) : null };
}
