import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { FileStore } from '../store/file-store.ts';
import { plural } from '../store/store.ts';
import { importResults, parseResultsFile, type ResultsFile } from '../train/results-file.ts';
import { DEFAULT_RUNS_DIR, UsageError } from './args.ts';
import type { CliIo } from './io.ts';

export const IMPORT_USAGE = `npm run lab -- import FILE... [options]
  Merges results files (exported by the page or written by runs) into a folder store: runs and
  sweeps already there are skipped. Every file is checked before any is imported: a bad file
  imports nothing. Prints what each file added and skipped.
  --store DIR         the folder store (default ${DEFAULT_RUNS_DIR}/, the one \`run --dom node\` uses)
  --json              print one JSON line per file instead`;

/** `--name value`, `--name=value`, bare flags and positional arguments, for the results commands. */
export function readCommandArgs(
  argv: readonly string[],
  flags: readonly string[],
  valued: readonly string[],
  usage: string,
): { positional: string[]; options: Map<string, string> } {
  const positional: string[] = [];
  const options = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [name = '', inline] = arg.slice(2).split(/=(.*)/s);
    if (flags.includes(name) && inline === undefined) options.set(name, 'true');
    else if (valued.includes(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined || value === '') throw new UsageError(`--${name} needs a value.`, usage);
      options.set(name, value);
    } else throw new UsageError(`Unknown option ${arg}.`, usage);
  }
  return { positional, options };
}

/**
 * `npm run lab -- import FILE...`: reads and checks every file first, so a bad one (not JSON, not a
 * results file, a value no run produces) stops the command before anything is written; then imports
 * each file in one store transaction. Returns 0, or 2 for a bad file.
 */
export async function runImportCommand(argv: readonly string[], io: CliIo): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out(IMPORT_USAGE);
    return 0;
  }
  const { positional: paths, options } = readCommandArgs(argv, ['json'], ['store'], IMPORT_USAGE);
  if (paths.length === 0) throw new UsageError('Name the results files to import.', IMPORT_USAGE);
  const files: { path: string; file: ResultsFile }[] = [];
  for (const path of paths) {
    const checked = await readResultsFile(path);
    if (typeof checked === 'string') {
      io.err(`lab: ${checked}`);
      return 2;
    }
    files.push({ path, file: checked });
  }
  const dir = resolve(options.get('store') ?? DEFAULT_RUNS_DIR);
  const store = new FileStore(dir);
  for (const [i, { path, file }] of files.entries()) {
    // Earlier files stay imported if a later one finds the store full: say so, then let it throw.
    const report = await importResults(store, file).catch((error: unknown) => {
      if (i > 0) io.err(`${paths.slice(0, i).join(', ')} imported; ${path} and after were not.`);
      throw error;
    });
    if (options.has('json')) {
      io.out(JSON.stringify({ file: path, store: dir, ...report }));
    } else {
      io.out(
        `${path}: added ${plural(report.added, 'run')}, skipped ${report.skipped} ` +
          `already in ${dir}; sweeps added ${report.sweeps.added.length}, skipped ${report.sweeps.skipped.length}.`,
      );
    }
    for (const note of report.notes) io.err(`${path}: ${note}`);
  }
  return 0;
}

/** The checked file, or a one-line message naming the file and what is wrong. */
async function readResultsFile(path: string): Promise<ResultsFile | string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return `cannot read ${path} (${reason}): name a results file (*.results.json or an export of the page).`;
  }
  try {
    return parseResultsFile(text);
  } catch (error) {
    return `${path}: ${error instanceof Error ? error.message : String(error)}`;
  }
}
