import * as Comlink from 'comlink';
import type { AnalysedRun, AnalysisSummary } from '../src/analysis/types.ts';
import type { AnalysisWorker } from './analysis.worker.ts';

/** Who analyses the Results page's runs: the analysis worker, or a stand-in a test controls. */
export interface Analyst {
  analyze(runs: readonly AnalysedRun[]): Promise<AnalysisSummary>;
  dispose(): void;
}

/** The analysis worker (workers/analysis.worker.ts), started on the first analysis and kept for the next. */
export function workerAnalyst(): Analyst {
  let started: { worker: Worker; remote: Comlink.Remote<AnalysisWorker>; failed: Promise<never> } | null =
    null;
  const start = (): NonNullable<typeof started> => {
    const worker = new Worker(new URL('./analysis.worker.ts', import.meta.url), {
      type: 'module',
      name: 'analysis',
    });
    // A worker that fails to load never answers: its error event becomes the call's rejection.
    const failed = new Promise<never>((_, reject) => {
      worker.addEventListener('error', (event) => {
        reject(new Error(`The analysis worker failed to start: ${event.message || 'see the console'}.`));
      });
    });
    // Without a caller a failed load is still noticed by the next race, not reported as unhandled.
    failed.catch(() => undefined);
    return { worker, remote: Comlink.wrap<AnalysisWorker>(worker), failed };
  };
  return {
    async analyze(runs) {
      started ??= start();
      const { remote, failed } = started;
      try {
        return await Promise.race([remote.analyze([...runs]), failed]);
      } catch (error) {
        // The next analysis starts a fresh worker.
        started?.worker.terminate();
        started = null;
        throw error;
      }
    },
    dispose() {
      started?.worker.terminate();
      started = null;
    },
  };
}
