import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';
import { FileStore } from '../../src/store/file-store.ts';
import { exportResults, parseResultsFile } from '../../src/train/results-file.ts';
import { runLabProcess } from '../fixtures/lab-process.ts';
import { makeMetric, makeRun, makeSweep } from './store-fixtures.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function folder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lab-cli-results-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

function captured(): { io: CliIo; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (line) => out.push(line), err: (line) => err.push(line) }, out, err };
}

/** Two results files in `dir`: a.json holds sweep s and run a; ab.json holds runs a and b. */
async function resultsFiles(dir: string): Promise<{ a: string; ab: string }> {
  const source = new FileStore(join(dir, 'source'));
  await source.putSweep(makeSweep('s', 1));
  await source.putRun({ ...makeRun('a', 1), lineage: { ...makeRun('a', 1).lineage, sweepId: 's' } });
  await source.putMetrics([makeMetric('a', 'train', 1, 0.5)]);
  await source.putRun(makeRun('b', 2));
  const paths = { a: join(dir, 'a.json'), ab: join(dir, 'ab.json') };
  await writeFile(paths.a, JSON.stringify(await exportResults(source, ['a'])));
  await writeFile(paths.ab, JSON.stringify(await exportResults(source, ['a', 'b'])));
  return paths;
}

describe('npm run lab -- import', () => {
  it('merges files into a folder store, printing what each added and skipped', async () => {
    const dir = await folder();
    const { a, ab } = await resultsFiles(dir);
    const store = join(dir, 'merged');
    const { io, out, err } = captured();
    expect(await main(['import', a, ab, '--store', store], io)).toBe(0);
    expect(out).toEqual([
      `${a}: added 1 run, skipped 0 already in ${store}; sweeps added 1, skipped 0.`,
      `${ab}: added 1 run, skipped 1 already in ${store}; sweeps added 0, skipped 1.`,
    ]);
    expect(err).toEqual([]);
    const merged = new FileStore(store);
    expect((await merged.listRuns()).map((run) => run.id)).toEqual(['b', 'a']);
    expect(await merged.metrics('a')).toEqual([makeMetric('a', 'train', 1, 0.5)]);
    const json = captured();
    expect(await main(['import', ab, '--store', store, '--json'], json.io)).toBe(0);
    expect(JSON.parse(json.out[0]!)).toMatchObject({ file: ab, added: 0, skipped: 2 });
  });

  it('a bad file among good ones: one message naming it, exit 2, nothing written', async () => {
    const dir = await folder();
    const { a } = await resultsFiles(dir);
    const bad = join(dir, 'bad.json');
    const file = JSON.parse(await readFile(a, 'utf8'));
    file.runs[0].metrics[0].flops = -5;
    await writeFile(bad, JSON.stringify(file));
    const store = join(dir, 'merged');
    const { code, stdout, stderr } = await runLabProcess(['import', a, bad, '--store', store]);
    expect(stderr).toMatch(
      /^lab: .*bad\.json: The results file is not valid: runs\.0\.metrics\.0\.flops: -5 FLOPs: FLOPs are 0 or more\. Nothing was imported/,
    );
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(await new FileStore(store).listRuns()).toEqual([]);
    const missing = captured();
    expect(await main(['import', join(dir, 'none.json'), '--store', store], missing.io)).toBe(2);
    expect(missing.err).toEqual([expect.stringMatching(/^lab: cannot read .*none\.json \(ENOENT/)]);
  }, 60_000);
});

describe('npm run lab -- export', () => {
  it('writes the named runs of a folder store as a results file or CSV', async () => {
    const dir = await folder();
    await resultsFiles(dir);
    const source = join(dir, 'source');
    const out = join(dir, 'out.json');
    const { io, out: printed } = captured();
    expect(await main(['export', '--store', source, '--out', out, '--runs', 'a'], io)).toBe(0);
    expect(printed).toEqual([`${out}: 1 run and 1 sweep of ${source}.`]);
    const file = parseResultsFile(await readFile(out, 'utf8'));
    expect(file.runs.map(({ run }) => run.id)).toEqual(['a']);
    expect(file.sweeps.map((sweep) => sweep.id)).toEqual(['s']);
    expect(file.environment?.runtime).toBe(`Node.js ${process.version}`);
    const csv = join(dir, 'runs.csv');
    expect(await main(['export', '--store', source, '--out', csv, '--format', 'runs-csv'], io)).toBe(0);
    expect((await readFile(csv, 'utf8')).split('\n').map((line) => line.split(',')[0])).toEqual([
      'run_id',
      'b',
      'a',
      '',
    ]);
  });

  it('refuses a run the store lacks, naming those it holds', async () => {
    const dir = await folder();
    await resultsFiles(dir);
    const { io, err } = captured();
    const args = ['export', '--store', join(dir, 'source'), '--out', join(dir, 'x.json'), '--runs', 'a,zz'];
    expect(await main(args, io)).toBe(2);
    expect(err).toEqual([expect.stringMatching(/^lab: No run zz in .*source\. Runs there: b, a\.$/)]);
    expect(await main(['export', '--store', join(dir, 'nothing'), '--out', join(dir, 'y.json')], io)).toBe(2);
    expect(err[1]).toMatch(/^lab: There is no store at .*nothing: name the folder/);
  });
});
