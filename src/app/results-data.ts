import { analysedRunsOf } from '../analysis/runs.ts';
import type { AnalysedRun, AnalysisSummary } from '../analysis/types.ts';
import type { RunRecord } from '../store/records.ts';
import type { LabStore } from '../store/store.ts';
import type { Analyst } from '../../workers/analysis-client.ts';

export interface AnalysedStudy {
  /** The finished runs, as the analysis reads them. */
  analysed: AnalysedRun[];
  /** Their analysis; null when no run is finished. */
  summary: AnalysisSummary | null;
}

/** The last analysis per store (this tab), with the store state it was made from. */
const analyses = new WeakMap<LabStore, { key: string; study: Promise<AnalysedStudy> }>();

/** The runs the analysis reads: the finished ones. */
export function finishedRuns(runs: readonly RunRecord[]): RunRecord[] {
  return runs.filter((run) => run.status === 'finished');
}

/**
 * The analysis of the finished runs among `runs` (what the store holds now). A finished run's rows
 * no longer change, so the finished runs and when each was last written name the store state the
 * analysis depends on; for a state already analysed (or being analysed) the same result is given
 * again instead of a second bootstrap.
 */
export function analysisOf(
  store: LabStore,
  runs: readonly RunRecord[],
  analyst: Analyst,
): Promise<AnalysedStudy> {
  const finished = finishedRuns(runs);
  const key = finished
    .map((run) => `${run.id}@${run.updatedAt}`)
    .sort()
    .join('\n');
  const cached = analyses.get(store);
  if (cached?.key === key) return cached.study;
  const study = (async (): Promise<AnalysedStudy> => {
    const metrics = new Map(
      await Promise.all(finished.map(async (run) => [run.id, await store.metrics(run.id, 'eval')] as const)),
    );
    const analysed = analysedRunsOf(runs, metrics);
    return { analysed, summary: analysed.length > 0 ? await analyst.analyze(analysed) : null };
  })();
  analyses.set(store, { key, study });
  // A failed analysis is not kept: the next showing of the page tries again.
  study.catch(() => {
    if (analyses.get(store)?.study === study) analyses.delete(store);
  });
  return study;
}
