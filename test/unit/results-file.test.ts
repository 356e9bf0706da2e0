import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import packageJson from '../../package.json';
import { DexieStore } from '../../src/store/db.ts';
import { FileStore } from '../../src/store/file-store.ts';
import type { MetricRecord, RunRecord, RunSummary } from '../../src/store/records.ts';
import type { LabStore } from '../../src/store/store.ts';
import {
  exportResults,
  importResults,
  metricsCsv,
  parseResultsFile,
  RESULTS_SCHEMA_VERSION,
  type ResultsFile,
  runsCsv,
} from '../../src/train/results-file.ts';
import { makeMetric, makeRun, makeSweep, SECRET } from './store-fixtures.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function openDexie(): LabStore {
  const store = new DexieStore('lab-results-test', { indexedDB: new IDBFactory(), IDBKeyRange });
  cleanups.push(() => store.close());
  return store;
}

async function openFiles(): Promise<LabStore> {
  const base = await mkdtemp(join(tmpdir(), 'lab-results-'));
  cleanups.push(() => rm(base, { recursive: true, force: true }));
  return new FileStore(join(base, 'store'));
}

function summary(runId: string, success: number): RunSummary {
  const selection = {
    selected_step: 2,
    heldout_goals_success: success,
    heldout_goals_stderr: 0.1,
    heldout_tasks_success: success / 2,
    heldout_tasks_stderr: 0.1,
    flops: 2e6,
    per_task: { 'click-test': success },
  };
  const compute = { teacher: 8e5, sftTraining: 1.2e6, rollouts: 0, rlTraining: 0, evaluation: 2e5 };
  return {
    ...selection,
    run_id: runId,
    compute,
    teacher_flops_basis: 'declared 7e9 parameters',
    wall_s: 3,
    steps: 2,
    sft_flops_at_branch: null,
    sft: selection,
    rl: null,
  };
}

const evalRow = (runId: string, step: number, success: number): MetricRecord => ({
  ...makeMetric(runId, 'eval', step, 0),
  values: { heldOutGoalSuccess: success, heldOutTaskSuccess: success / 2 },
  perTask: { 'click-test': success },
});

/**
 * A sweep s with a finished SFT run a (learningRate 1e-4) and run b branched from it at step 2
 * (learningRate 3e-4, still running), and a run c outside any sweep.
 */
async function sourceStore(): Promise<LabStore> {
  const store = openDexie();
  await store.putSweep(makeSweep('s', 1));
  const lineage = (learningRate: number) => ({
    ...makeRun('x', 0).lineage,
    sweepId: 's',
    sftAmount: 2,
    hyperparameters: { learningRate, curriculum: true },
  });
  await store.putRun({
    ...makeRun('a', 1),
    name: 'SFT, then RL',
    status: 'finished',
    summary: summary('a', 0.5),
    lineage: lineage(1e-4),
  });
  await store.putMetrics([makeMetric('a', 'train', 1, 2.5), evalRow('a', 2, 0.5)]);
  await store.putRun({
    ...makeRun('b', 2),
    lineage: { ...lineage(3e-4), strategy: 'sft+rl', parent: { runId: 'a', step: 2 } },
  });
  await store.putMetrics([makeMetric('b', 'train', 3, 1.5)]);
  await store.putRun(makeRun('c', 3));
  return store;
}

/** The file as JSON carries it (NaN as null), as an import reads it. */
const throughJson = (file: ResultsFile): ResultsFile => JSON.parse(JSON.stringify(file)) as ResultsFile;

describe.each([
  ['DexieStore on fake-indexeddb', async () => openDexie()],
  ['FileStore in a temporary folder', openFiles],
])('importing results into %s', (_name, open: () => Promise<LabStore>) => {
  it('round-trips sweeps, runs, metrics and the environment, without the LLM key', async () => {
    const source = await sourceStore();
    const exported = await exportResults(source, ['a', 'b'], { adapter: 'SwiftShader', engine: 'cpu' });
    const text = JSON.stringify(exported);
    expect(text).not.toContain(SECRET);
    const parsed = parseResultsFile(text);
    expect(parsed.version).toBe(RESULTS_SCHEMA_VERSION);
    expect(parsed.environment).toEqual({
      labVersion: packageJson.version,
      runtime: `Node.js ${process.version}`,
      adapter: 'SwiftShader',
      engine: 'cpu',
    });
    expect(parsed.sweeps).toEqual([makeSweep('s', 1)]);
    const store = await open();
    const report = await importResults(store, parsed);
    expect(report).toEqual({
      added: 2,
      skipped: 0,
      runs: { added: ['a', 'b'], skipped: [] },
      sweeps: { added: ['s'], skipped: [] },
      notes: [],
    });
    expect(await store.getRun('a')).toEqual(exported.runs[0]!.run);
    expect(await store.getRun('b')).toEqual(exported.runs[1]!.run);
    expect(await store.metrics('a')).toEqual(exported.runs[0]!.metrics);
    expect(await store.getSweep('s')).toEqual(makeSweep('s', 1));
    expect((await importResults(store, parsed)).runs).toEqual({ added: [], skipped: ['a', 'b'] });
  });

  it('imports a version 2 file (no sweeps, no environment) and notes the sweep it lacks', async () => {
    const {
      sweeps: _sweeps,
      environment: _environment,
      ...v3
    } = await exportResults(await sourceStore(), ['a']);
    const store = await open();
    const report = await importResults(store, parseResultsFile(JSON.stringify({ ...v3, version: 2 })));
    expect(report.runs.added).toEqual(['a']);
    expect(report.notes).toEqual([
      'Run a (SFT, then RL) belongs to sweep s, which is in neither the file nor this store: the run is ' +
        'imported without its sweep spec.',
    ]);
    expect(await store.metrics('a')).toHaveLength(2);
  });

  it('notes a parent run in neither the file nor the store, and not one the store holds', async () => {
    const file = throughJson(await exportResults(await sourceStore(), ['b']));
    const store = await open();
    expect((await importResults(store, file)).notes).toEqual([
      expect.stringMatching(
        /^Run b \(run b\) branched from run a at step 2, which is in neither the file nor/,
      ),
    ]);
    const withParent = await open();
    await importResults(withParent, throughJson(await exportResults(await sourceStore(), ['a'])));
    expect((await importResults(withParent, file)).notes).toEqual([]);
  });

  it('merges rows repeated identically, as merged files repeat them', async () => {
    const file = throughJson(await exportResults(await sourceStore(), ['a']));
    const rows = file.runs[0]!.metrics;
    file.runs[0]!.metrics = [...rows, ...rows];
    const store = await open();
    await importResults(store, file);
    expect(await store.metrics('a')).toEqual(rows);
  });

  it('refuses a file whose second run is malformed, importing nothing', async () => {
    const file = throughJson(await exportResults(await sourceStore(), ['a', 'b']));
    file.runs[1]!.run.id = '../b';
    const store = await open();
    await expect(importResults(store, file)).rejects.toThrow(
      /runs\.1\.run\.id: "\.\.\/b" is not a lab id.*Nothing was imported/,
    );
    expect(await store.listRuns()).toEqual([]);
    expect(await store.listSweeps()).toEqual([]);
    expect(await store.metrics('a')).toEqual([]);
  });

  it('refuses values no run produces, naming the path and what is allowed', async () => {
    const good = throughJson(await exportResults(await sourceStore(), ['a', 'b']));
    const store = await open();
    type Edit = (file: ResultsFile & { runs: { run: RunRecord; metrics: MetricRecord[] }[] }) => void;
    const cases: [Edit, RegExp][] = [
      [
        (f) => (f.runs[0]!.run.summary!.heldout_goals_success = 5),
        /runs\.0\.run\.summary\.heldout_goals_success: a success rate of 5: success rates are fractions from 0 to 1/,
      ],
      [
        (f) => (f.runs[0]!.metrics[1]!.values.heldOutTaskSuccess = 1.5),
        /runs\.0\.metrics\.1\.values\.heldOutTaskSuccess: a success rate of 1\.5/,
      ],
      [
        (f) => (f.runs[0]!.metrics[1]!.perTask!['click-test'] = -0.25),
        /perTask\.click-test: a success rate of -0\.25/,
      ],
      [
        (f) => (f.runs[0]!.run.state.taskSuccess = { 'click-test': 2 }),
        /state\.taskSuccess\.click-test: a success/,
      ],
      [
        (f) => (f.runs[1]!.metrics[0]!.flops = -1),
        /runs\.1\.metrics\.0\.flops: -1 FLOPs: FLOPs are 0 or more/,
      ],
      [
        (f) => ((f.runs[0]!.run.summary!.compute as { rollouts: unknown }).rollouts = null),
        /summary\.compute\.rollouts: null is not a FLOP count: FLOPs are finite numbers, 0 or more/,
      ],
      [(f) => (f.runs[1]!.run.state.compute.teacher = -3), /runs\.1\.run\.state\.compute\.teacher: -3 FLOPs/],
      [
        (f) => (f.runs[0]!.run.summary = null),
        /runs\.0\.run\.summary: a finished run carries its summary: export it again/,
      ],
      [
        (f) => (f.runs[0]!.run.summary!.run_id = 'b'),
        /summary\.run_id: is run b's summary, filed under run a/,
      ],
      [
        (f) => (f.runs[1]!.metrics[0]!.runId = 'a'),
        /runs\.1\.metrics\.0\.runId: belongs to run a, not to run b/,
      ],
      [
        (f) => f.runs[0]!.metrics.push({ ...f.runs[0]!.metrics[0]!, values: { loss: 9 } }),
        /runs\.0\.metrics\.2: is a second train row at step 1 with other values than metrics\.0/,
      ],
      [(f) => f.runs.push(f.runs[0]!), /runs\.2\.run\.id: repeats run a of runs\.0: each run is given once/],
      [(f) => f.sweeps.push(f.sweeps[0]!), /sweeps\.1\.id: repeats sweep s of sweeps\.0/],
      [(f) => (f.sweeps[0]!.id = 'a/b'), /sweeps\.0\.id: "a\/b" is not a lab id/],
      [
        (f) => (f.version = 1),
        /version: this lab reads results versions 2 and 3: .*version 1 files put evaluation/,
      ],
      [(f) => (f.version = RESULTS_SCHEMA_VERSION + 1), /update the lab for newer files/],
      [(f) => (f.schema = 'other' as 'web-agent-lab/results'), /schema: not a web-agent-lab results file/],
    ];
    for (const [edit, message] of cases) {
      const file = structuredClone(good);
      edit(file);
      expect(() => parseResultsFile(file)).toThrow(message);
      await expect(importResults(store, file)).rejects.toThrow(/Nothing was imported/);
    }
    expect(() => parseResultsFile('{"schema":')).toThrow(/not JSON.*Nothing was imported/);
    expect(await store.listRuns()).toEqual([]);
    expect(await store.listSweeps()).toEqual([]);
  });
});

describe('results files', () => {
  it('reads NaN back from the null JSON writes for it, also where a success rate was not measured', async () => {
    const file = await exportResults(await sourceStore(), ['b']);
    file.runs[0]!.metrics = [
      { ...makeMetric('b', 'train', 1, Number.NaN), values: { loss: Number.NaN, success: Number.NaN } },
    ];
    const parsed = parseResultsFile(JSON.parse(JSON.stringify(file)));
    expect(parsed.runs[0]!.metrics[0]!.values.loss).toBeNaN();
    expect(parsed.runs[0]!.metrics[0]!.values.success).toBeNaN();
    expect(parseResultsFile(file).runs[0]!.metrics[0]!.values.loss).toBeNaN();
  });

  it('writes one CSV row per metric with the union of value names as columns', async () => {
    const { runs } = await exportResults(await sourceStore(), ['a', 'b']);
    const lines = metricsCsv(runs).split('\n');
    expect(lines[0]).toBe(
      'run_id,run_name,kind,step,phase,flops,flops_teacher,flops_sftTraining,flops_rollouts,flops_rlTraining,' +
        'flops_evaluation,wall_ms,heldOutGoalSuccess,heldOutTaskSuccess,loss',
    );
    expect(lines[1]).toBe('a,"SFT, then RL",train,1,sft,1000000,400000,600000,0,0,100000,10,,,2.5');
    expect(lines[2]).toBe('a,"SFT, then RL",eval,2,sft,2000000,800000,1200000,0,0,200000,20,0.5,0.25,');
    expect(lines[3]).toBe('b,run b,train,3,sft,3000000,1200000,1800000,0,0,300000,30,,,1.5');
    expect(lines.slice(4)).toEqual(['']);
  });

  it('writes one CSV row per run: lineage, hyperparameters, summary and training FLOPs', async () => {
    const store = await sourceStore();
    const running = (await store.getRun('c'))!;
    await store.putRun({ ...running, state: { ...running.state, compute: summary('c', 0).compute } });
    const { runs } = await exportResults(store, ['a', 'b', 'c']);
    const lines = runsCsv(runs).split('\n');
    expect(lines[0]).toBe(
      'run_id,run_name,strategy,sweep_id,sft_amount,parent_run_id,parent_step,status,hp_curriculum,' +
        'hp_learningRate,heldout_goals_success,heldout_goals_stderr,heldout_tasks_success,' +
        'heldout_tasks_stderr,selected_step,steps,wall_s,sft_flops_at_branch,training_flops,flops_teacher,' +
        'flops_sftTraining,flops_rollouts,flops_rlTraining,flops_evaluation',
    );
    expect(lines[1]).toBe(
      'a,"SFT, then RL",sft,s,2,,,finished,true,0.0001,0.5,0.1,0.25,0.1,2,2,3,,2000000,800000,1200000,0,0,200000',
    );
    expect(lines[2]).toBe('b,run b,sft+rl,s,2,a,2,running,true,0.0003,,,,,,,,,0,0,0,0,0,0');
    expect(lines[3]).toBe('c,run c,sft,,,,,running,,,,,,,,,,,2000000,800000,1200000,0,0,200000');
    expect(lines.slice(4)).toEqual(['']);
  });
});
