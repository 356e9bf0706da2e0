import packageJson from '../../package.json';
import type { MetricRecord, RunRecord, SweepRecord } from '../store/records.ts';
import { type LabStore, withoutApiKeys } from '../store/store.ts';
import { ResultsFileSchema } from './results-schema.ts';

export { metricsCsv, runsCsv } from './results-csv.ts';

/**
 * Results leave the lab as one JSON file (sweeps, runs with their curves, and the environment that
 * produced them; no checkpoints, no traces), so several machines' results can be merged by
 * importing each file: a run or sweep already present is skipped.
 */

/**
 * 3: the file carries the sweeps its runs belong to (their specs) and the environment that produced
 * it. 2: every curve's `flops` is training compute (evaluation excluded), rows carry the compute
 * breakdown, summaries keep SFT's and RL's selections apart; 2 still imports (no sweeps, no
 * environment). Version 1 files counted evaluation on the axis, so their curves cannot be set beside these.
 */
export const RESULTS_SCHEMA_VERSION = 3;

/** Where the results were produced, for reading them later (a browser's speed is not a GPU's). */
export interface ResultsEnvironment {
  /** The lab's version (package.json). */
  labVersion: string;
  /** The browser's user agent, or "Node.js v22.1.0" headless. */
  runtime: string;
  /** The GPU adapter that trained, or null where the exporter did not know it. */
  adapter: string | null;
  /** The engine that trained (webgpu, cpu, reference), or null where the exporter did not know it. */
  engine: string | null;
}

export interface ResultsFile {
  schema: 'web-agent-lab/results';
  version: number;
  exportedAt: string;
  /** null in version 2 files. */
  environment: ResultsEnvironment | null;
  /** The sweeps the runs belong to, with their specs ([] in version 2 files). */
  sweeps: SweepRecord[];
  runs: { run: RunRecord; metrics: MetricRecord[] }[];
}

/** The lab's version and the runtime it runs in; the caller adds the adapter and engine it knows. */
export function resultsEnvironment(known: Partial<ResultsEnvironment> = {}): ResultsEnvironment {
  const node = (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node;
  const runtime =
    node !== undefined ? `Node.js v${node}` : (globalThis.navigator?.userAgent ?? 'unknown runtime');
  return { labVersion: packageJson.version, runtime, adapter: null, engine: null, ...known };
}

/**
 * The named runs with all their metrics and the sweeps they belong to; configurations lose their LLM
 * key. `environment` adds what the caller knows of where the runs were trained (adapter, engine).
 */
export async function exportResults(
  store: LabStore,
  runIds: readonly string[],
  environment: Partial<ResultsEnvironment> = {},
): Promise<ResultsFile> {
  const runs: ResultsFile['runs'] = [];
  const sweeps = new Map<string, SweepRecord>();
  for (const id of runIds) {
    const run = await store.getRun(id);
    if (run === undefined) throw new Error(`Run ${id} is not in the store: nothing was exported.`);
    runs.push({ run: { ...run, config: withoutApiKeys(run.config) }, metrics: await store.metrics(id) });
    const sweepId = run.lineage.sweepId;
    if (sweepId !== null && !sweeps.has(sweepId)) {
      // A sweep deleted since its runs were made is left out; an import says so.
      const sweep = await store.getSweep(sweepId);
      if (sweep !== undefined) sweeps.set(sweepId, sweep);
    }
  }
  return {
    schema: 'web-agent-lab/results',
    version: RESULTS_SCHEMA_VERSION,
    exportedAt: new Date().toISOString(),
    environment: resultsEnvironment(environment),
    sweeps: [...sweeps.values()],
    runs,
  };
}

/** How many problems an error lists before "and N more". */
const LISTED_PROBLEMS = 5;

/**
 * A results file from untrusted JSON (text or parsed), checked whole, field by field and for meaning
 * (results-schema.ts); else an error naming the first problems by their path.
 */
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

export interface ImportReport {
  /** Runs added, and runs skipped because the store already held them. */
  added: number;
  skipped: number;
  runs: { added: string[]; skipped: string[] };
  sweeps: { added: string[]; skipped: string[] };
  /**
   * What the user should know but need not fix: a run whose parent run or sweep is in neither the
   * file nor the store (its analysis lacks that context until the file holding it is imported).
   */
  notes: string[];
}

/**
 * Adds the file's sweeps and runs that the store lacks, all or nothing: the whole file is checked
 * first (parseResultsFile), then written in one step (LabStore.importRecords), so a bad file or a
 * full store leaves the store as it was. A run or sweep already present is skipped, so merged files
 * import without duplicates; a run's rows repeated identically are kept once.
 */
export async function importResults(store: LabStore, file: ResultsFile): Promise<ImportReport> {
  const checked = parseResultsFile(file);
  // Rows repeated identically (the schema refuses differing ones) are kept once by the store.
  const runs = checked.runs.map(({ run, metrics }) => ({
    run: { ...run, config: withoutApiKeys(run.config) },
    metrics,
  }));
  const notes = await missingContext(store, checked);
  const outcome = await store.importRecords({ sweeps: checked.sweeps, runs });
  return { added: outcome.runs.added.length, skipped: outcome.runs.skipped.length, ...outcome, notes };
}

/** Parents and sweeps named by the file's runs that neither the file nor the store holds. */
async function missingContext(store: LabStore, file: ResultsFile): Promise<string[]> {
  const runIds = new Set(file.runs.map(({ run }) => run.id));
  const sweepIds = new Set(file.sweeps.map((sweep) => sweep.id));
  const notes: string[] = [];
  for (const { run } of file.runs) {
    const { parent, sweepId } = run.lineage;
    if (parent !== null && !runIds.has(parent.runId) && (await store.getRun(parent.runId)) === undefined) {
      notes.push(
        `Run ${run.id} (${run.name}) branched from run ${parent.runId} at step ${parent.step}, which is in ` +
          'neither the file nor this store: import the file holding it to see the two together.',
      );
    }
    if (sweepId !== null && !sweepIds.has(sweepId) && (await store.getSweep(sweepId)) === undefined) {
      notes.push(
        `Run ${run.id} (${run.name}) belongs to sweep ${sweepId}, which is in neither the file nor this ` +
          'store: the run is imported without its sweep spec.',
      );
    }
  }
  return notes;
}
