import { workerAnalyst, type Analyst } from '../../workers/analysis-client.ts';
import type { AnalysedRun, AnalysisSummary, HeldOutSet } from '../analysis/types.ts';
import { resultsFigures, type ResultsFigure } from '../report/figures.ts';
import type { RunRecord } from '../store/records.ts';
import { plural, type LabStore } from '../store/store.ts';
import { checkpointDownload } from '../train/checkpoint-download.ts';
import { exportResults, importResults, parseResultsFile } from '../train/results-file.ts';
import { downloadBlob, pngBlob, svgBlob } from './figure-download.ts';
import { errorMessage } from './lab-format.ts';
import { downloadResults } from './results-export.ts';
import { analysisOf, finishedRuns } from './results-data.ts';
import { nextSort, runRow, sortRows, type RunColumn, type RunSort } from './results-table.ts';

/** What came of a user's import or download, shown beside it. */
export interface Outcome {
  ok: boolean;
  message: string;
}

/**
 * The Results page's work: every run in the store and the analysis of the finished ones
 * (analysisOf), the figures drawn from it, and results files in and out. The analysis is recomputed from the store after each import, so
 * what the page shows is always what the store holds.
 */
export class ResultsSession {
  runs = $state.raw<RunRecord[]>([]);
  analysed = $state.raw<AnalysedRun[]>([]);
  summary = $state.raw<AnalysisSummary | null>(null);
  heldOut = $state<HeldOutSet>('goals');
  /** null: the store's order, newest first. */
  sort = $state<RunSort | null>(null);
  loading = $state(true);
  /** How many finished runs are being analysed now; null when no analysis is under way. */
  analysing = $state<number | null>(null);
  error = $state<string | null>(null);
  importOutcome = $state<Outcome | null>(null);
  checkpointOutcome = $state<Outcome | null>(null);
  importing = $state(false);

  readonly rows = $derived.by(() => {
    const rows = this.runs.map(runRow);
    return this.sort ? sortRows(rows, this.sort) : rows;
  });

  private disposed = false;
  /** Only the latest load() writes what it read: an earlier one may finish after it. */
  private loads = 0;

  constructor(
    readonly store: LabStore,
    private readonly analyst: Analyst = workerAnalyst(),
  ) {}

  /**
   * Reads the store again: the run table at once, then the analysis of the finished runs, made by the
   * analyst (a worker, so the page answers while a large sweep is bootstrapped) once per store state.
   */
  async load(): Promise<void> {
    const ticket = ++this.loads;
    this.loading = true;
    try {
      const runs = await this.store.listRuns();
      if (this.disposed || ticket !== this.loads) return;
      this.runs = runs;
      this.loading = false;
      this.analysing = finishedRuns(runs).length;
      const study = await analysisOf(this.store, runs, this.analyst);
      if (this.disposed || ticket !== this.loads) return;
      this.analysed = study.analysed;
      this.summary = study.summary;
      this.error = null;
    } catch (error) {
      if (ticket === this.loads)
        this.error = `Could not read and analyse the stored runs: ${errorMessage(error)}`;
    } finally {
      if (ticket === this.loads) {
        this.loading = false;
        this.analysing = null;
      }
    }
  }

  sortBy(column: RunColumn): void {
    this.sort = nextSort(this.sort, column);
  }

  /** The figures on the held-out set shown, drawn into this page at the given width. */
  figuresFor(width: number): ResultsFigure[] {
    if (!this.summary) return [];
    return resultsFigures(this.summary, this.analysed, this.heldOut, document, { width });
  }

  async downloadFigure(figure: ResultsFigure, format: 'svg' | 'png'): Promise<void> {
    try {
      const blob = format === 'svg' ? svgBlob(figure.svg) : await pngBlob(figure.svg);
      downloadBlob(`${figure.name}.${format}`, blob);
    } catch (error) {
      this.error = `Could not save ${figure.name}.${format}: ${errorMessage(error)}`;
    }
  }

  /** Every stored run with its metric rows: the results file JSON, or the metric rows as CSV. */
  async exportRuns(format: 'json' | 'csv'): Promise<void> {
    try {
      const results = await exportResults(
        this.store,
        this.runs.map((run) => run.id),
      );
      downloadResults(results, format);
    } catch (error) {
      this.error = `The export failed: ${errorMessage(error)}`;
    }
  }

  /**
   * The run's latest checkpoint: its weights (safetensors) or the JSON sidecar that says what they are
   * (model, tokenizer, run). Two buttons, not one: a browser may hold back a second download from one click.
   */
  async downloadCheckpoint(runId: string, part: 'weights' | 'sidecar'): Promise<void> {
    this.checkpointOutcome = null;
    try {
      const { weights, sidecar } = await checkpointDownload(this.store, runId);
      const [name, blob] =
        part === 'weights'
          ? [weights.fileName, new Blob([weights.bytes], { type: weights.type })]
          : [sidecar.fileName, new Blob([sidecar.text], { type: sidecar.type })];
      downloadBlob(name, blob);
      this.checkpointOutcome = { ok: true, message: `Saved ${name}.` };
    } catch (error) {
      this.checkpointOutcome = { ok: false, message: `Nothing to download: ${errorMessage(error)}` };
    }
  }

  /** Checks the whole file before anything is written: a bad file changes nothing and says why. */
  async importFile(file: File): Promise<void> {
    this.importing = true;
    this.importOutcome = null;
    try {
      const parsed = parseResultsFile(await file.text());
      const { added, skipped } = await importResults(this.store, parsed);
      const already = skipped > 0 ? `; ${plural(skipped, 'run')} already here, skipped` : '';
      // Said once the page shows what was imported.
      await this.load();
      this.importOutcome = {
        ok: true,
        message: `Imported ${file.name}: ${plural(added, 'new run')}${already}.`,
      };
    } catch (error) {
      this.importOutcome = { ok: false, message: `Could not import ${file.name}: ${errorMessage(error)}` };
    } finally {
      this.importing = false;
    }
  }

  dispose(): void {
    this.disposed = true;
    this.analyst.dispose();
  }
}
