import * as Comlink from 'comlink';
import { analyzeRuns } from '../src/analysis/summary.ts';
import type { AnalysedRun, AnalysisSummary } from '../src/analysis/types.ts';

/**
 * The Results page's analysis, off the page's thread: the bootstrap of a large sweep (about 15 s for
 * 1,371 runs) would otherwise freeze the page while it runs. The same analyzeRuns, defaults and seed
 * as `npm run lab -- analyze`, so the page and summary.json agree.
 */
export class AnalysisWorker {
  analyze(runs: AnalysedRun[]): AnalysisSummary {
    return analyzeRuns(runs);
  }
}

Comlink.expose(new AnalysisWorker());
