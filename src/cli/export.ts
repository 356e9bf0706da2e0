import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { entryKind } from '../store/file-io.ts';
import { FileStore } from '../store/file-store.ts';
import { plural } from '../store/store.ts';
import { exportResults, metricsCsv, runsCsv } from '../train/results-file.ts';
import { DEFAULT_RUNS_DIR, UsageError } from './args.ts';
import { readCommandArgs } from './import.ts';
import type { CliIo } from './io.ts';

export const EXPORT_USAGE = `npm run lab -- export --out FILE [options]
  Writes runs of a folder store as a results file (the page imports it, as does \`lab import\`), or
  as CSV: one row per run, or one row per metric row.
  --out FILE          where to write
  --store DIR         the folder store (default ${DEFAULT_RUNS_DIR}/)
  --runs IDS          comma-separated run ids (default: every run of the store)
  --format F          json (default), runs-csv or metrics-csv`;

const FORMATS = ['json', 'runs-csv', 'metrics-csv'] as const;

/** `npm run lab -- export`: returns 0, or 2 for a run the store lacks or a bad option. */
export async function runExportCommand(argv: readonly string[], io: CliIo): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out(EXPORT_USAGE);
    return 0;
  }
  const { positional, options } = readCommandArgs(argv, [], ['out', 'store', 'runs', 'format'], EXPORT_USAGE);
  if (positional.length > 0) throw new UsageError(`Unexpected argument "${positional[0]}".`, EXPORT_USAGE);
  const out = options.get('out');
  if (out === undefined) throw new UsageError('Name the file to write with --out FILE.', EXPORT_USAGE);
  const format = options.get('format') ?? 'json';
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`--format must be ${FORMATS.join(', ')}, not "${format}".`, EXPORT_USAGE);
  }
  const dir = resolve(options.get('store') ?? DEFAULT_RUNS_DIR);
  if ((await entryKind(dir)) === 'missing') {
    io.err(`lab: There is no store at ${dir}: name the folder of your runs with --store DIR.`);
    return 2;
  }
  const store = new FileStore(dir);
  const stored = (await store.listRuns()).map((run) => run.id);
  const wanted =
    options
      .get('runs')
      ?.split(',')
      .map((id) => id.trim()) ?? stored;
  const missing = wanted.filter((id) => !stored.includes(id));
  if (missing.length > 0 || wanted.length === 0) {
    const known = stored.length ? `Runs there: ${stored.slice(0, 10).join(', ')}.` : 'It holds no runs.';
    io.err(
      `lab: ${missing.length ? `No run ${missing.join(', ')} in ${dir}` : `No runs to export`}. ${known}`,
    );
    return 2;
  }
  const file = await exportResults(store, wanted);
  const text =
    format === 'json'
      ? JSON.stringify(file)
      : format === 'runs-csv'
        ? runsCsv(file.runs)
        : metricsCsv(file.runs);
  await writeFile(out, text);
  io.out(`${out}: ${plural(wanted.length, 'run')} and ${plural(file.sweeps.length, 'sweep')} of ${dir}.`);
  return 0;
}
