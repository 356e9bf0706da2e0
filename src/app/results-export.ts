import { metricsCsv, type ResultsFile } from '../train/results-file.ts';
import { downloadText, fileStamp } from './lab-format.ts';

/** Saves exported runs as the results file (JSON) or as their metric rows (CSV), stamped with the time. */
export function downloadResults(results: ResultsFile, format: 'json' | 'csv'): void {
  const stamp = fileStamp();
  if (format === 'json') {
    downloadText(`lab-results-${stamp}.json`, JSON.stringify(results, null, 2), 'application/json');
  } else {
    downloadText(`lab-metrics-${stamp}.csv`, metricsCsv(results.runs), 'text/csv');
  }
}
