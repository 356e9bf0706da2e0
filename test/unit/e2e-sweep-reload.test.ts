import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLabBrowser, type LabBrowser } from '../../src/cli/lab-browser.ts';
import { readCheckpoint } from '../../src/engine/checkpoint.ts';
import { MODEL_PRESETS } from '../../src/model/config.ts';
import type { CheckpointInfo, MetricRecord, RunRecord, SweepRecord } from '../../src/store/records.ts';
import { parseResultsFile, RESULTS_SCHEMA_VERSION } from '../../src/train/results-file.ts';
import { TINY_SPEC } from './sweep-fixtures.ts';

/*
 * Issue 9's acceptance test, end to end in real Chromium with real IndexedDB, driven as a user
 * drives the lab's own page (index.html): a tiny sweep (three nano runs: SFT, RL branched from its
 * step 2, RL from the base student) is started on the Sweeps page, the page is reloaded in the
 * middle, the sweep resumed and finished; its results file is exported from the Sweeps page and
 * imported on the Results page of a fresh profile, which must show the same runs, sweep and
 * analysis; a run's checkpoint is downloaded from the Results page's run table. It launches its own browser (playwright-core), so it lives with the unit tests.
 */

/*
 * Hand-derived from src/train/run.ts for TINY_SPEC (eval.every 2, checkpointEvery 1): a run
 * evaluates before training, at every second step and at the end of each phase. SFT: steps 1-2. RL
 * from the base student: one iteration, step 1. The branched run starts from SFT's step-2 checkpoint,
 * so its steps go on from 3, with its own evaluation of the start.
 */
/** By run id, less the sweep id. */
const EXPECTED_ROWS: Record<string, string[]> = {
  '--sft': ['eval@0', 'eval@2', 'train@1', 'train@2'],
  '--rl-0': ['eval@0', 'eval@1', 'train@1'],
  '--sft-rl-0-at-2': ['eval@2', 'eval@3', 'train@3'],
};

const POLL_MS = 250;
const DATABASE = 'web-agent-lab';

let lab: LabBrowser;
let origin: string;
const pageErrors: string[] = [];

beforeAll(async () => {
  lab = await openLabBrowser({ onProgress: () => undefined, onPageError: (m) => pageErrors.push(m) });
  origin = new URL(lab.page.url()).origin;
}, 120_000);

afterAll(async () => {
  await lab?.close();
});

interface StoredLab {
  sweeps: SweepRecord[];
  runs: RunRecord[];
  metrics: MetricRecord[];
  checkpoints: CheckpointInfo[];
}

/** The page's IndexedDB read directly (not through the app's code), once the app has created it. */
function readLab(page: Page): Promise<StoredLab> {
  const read = page.evaluate(
    async ([name, tables]) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open(name);
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error ?? new Error('indexedDB.open failed'));
      });
      const read: Record<string, unknown[]> = {};
      for (const table of tables) {
        read[table] = await new Promise<unknown[]>((resolve, reject) => {
          const request = db.transaction(table).objectStore(table).getAll();
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => reject(request.error ?? new Error(`reading ${table} failed`));
        });
      }
      db.close();
      return read;
    },
    [DATABASE, ['sweeps', 'runs', 'metrics', 'checkpoints']] as const,
  );
  return read as Promise<unknown> as Promise<StoredLab>;
}

async function until<T>(
  page: Page,
  read: (stored: StoredLab) => T | undefined,
  what: string,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const stored = await readLab(page);
    const found = read(stored);
    if (found !== undefined) return found;
    if (Date.now() > deadline) {
      const runs = stored.runs.map((run) => `${run.id}: ${run.status}`).join(', ');
      throw new Error(`Gave up waiting for ${what}; runs: ${runs}; page errors: ${pageErrors.join(' | ')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

const sweepRow = (page: Page) => page.getByRole('region', { name: 'Sweeps' }).getByRole('row').first();
const diagnosisText = async (page: Page): Promise<string> => {
  const diagnosis = page.getByRole('region', { name: 'Diagnosis' });
  await diagnosis.waitFor({ timeout: 60_000 });
  return (await diagnosis.textContent()) ?? '';
};

describe('a sweep on the Sweeps page', () => {
  it('survives a reload, finishes every run once, and its export imports into a fresh profile', async () => {
    const started = performance.now();
    const { page } = lab;
    // The CPU engine: WebGPU on headless Chromium's software adapter is slower for the nano student.
    await page.evaluate(() => localStorage.setItem('web-agent-lab/engine-backend', 'cpu'));
    await page.goto(`${origin}/#sweeps`);
    // Served cross-origin isolated (src/cli/isolation-plugin.ts), task iframes and all: the page's
    // CPU engine may share memory between its threads.
    expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
    await page.getByLabel(/Sweep spec \(JSON/).fill(JSON.stringify(TINY_SPEC));
    await page.getByRole('button', { name: 'Start', exact: true }).click();

    const sweepId = await until(page, (s) => s.sweeps[0]?.id, 'the stored sweep', 60_000);
    const sftId = `${sweepId}--sft`;
    await until(
      page,
      (s) => (s.checkpoints.some((c) => c.runId === sftId && c.step > 0) ? true : undefined),
      'a checkpoint of the SFT run after step 0',
      180_000,
    );
    await page.reload();
    await page.getByRole('button', { name: 'Resume' }).waitFor({ timeout: 60_000 });
    await expect.poll(() => sweepRow(page).textContent()).toMatch(/interrupted/);

    // The old page's worker may still write while the reload is under way, so the line between
    // kept and new records is drawn just before Resume, not at the reload.
    const interrupted = await readLab(page);
    expect(interrupted.sweeps[0]!.status, 'nobody paused it: the reload cut it off').toBe('running');
    expect(interrupted.runs.filter((run) => run.status === 'finished').length).toBeLessThan(3);
    const resumedAt = Date.now();
    await page.getByRole('button', { name: 'Resume' }).click();
    await expect.poll(() => sweepRow(page).textContent(), { timeout: 300_000 }).toMatch(/finished/);

    const after = await readLab(page);
    const plannedIds = Object.keys(EXPECTED_ROWS).map((suffix) => `${sweepId}${suffix}`);
    expect(after.runs.map((run) => run.id).sort()).toEqual([...plannedIds].sort());
    expect(after.runs.map((run) => run.status)).toEqual(['finished', 'finished', 'finished']);
    for (const [suffix, rows] of Object.entries(EXPECTED_ROWS)) {
      const stored = after.metrics
        .filter((row) => row.runId === `${sweepId}${suffix}`)
        .map((row) => `${row.kind}@${row.step}`)
        .sort();
      expect(stored, `metric rows of ${suffix}`).toEqual(rows);
    }
    // A checkpoint stored before Resume is kept as it was; one made after is new: nothing redone.
    for (const checkpoint of after.checkpoints) {
      const before = interrupted.checkpoints.find(
        (c) => c.runId === checkpoint.runId && c.step === checkpoint.step,
      );
      const label = `checkpoint ${checkpoint.runId}@${checkpoint.step}`;
      if (before) expect(checkpoint.createdAt, label).toBe(before.createdAt);
      else expect(checkpoint.createdAt, label).toBeGreaterThan(resumedAt);
    }
    expect(after.checkpoints.length).toBeGreaterThan(interrupted.checkpoints.length);

    // The export, from the Sweeps page, is the sweep's results file.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export results' }).click(),
    ]);
    const filePath = await download.path();
    const exported = parseResultsFile(await readFile(filePath, 'utf8'));
    expect(exported.version).toBe(RESULTS_SCHEMA_VERSION);
    expect(exported.sweeps.map((sweep) => sweep.id)).toEqual([sweepId]);
    expect(exported.runs.map((entry) => entry.run.id).sort()).toEqual([...plannedIds].sort());
    await page.getByRole('button', { name: 'Results', exact: true }).click();
    const analysis = await diagnosisText(page);
    // A checkpoint leaves the lab from the run table as safetensors that read back as the model.
    const sft = after.runs.find((run) => run.id === `${sweepId}--sft`)!;
    const [weightsDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: `Download the weights of ${sft.name}'s latest checkpoint` }).click(),
    ]);
    expect(weightsDownload.suggestedFilename()).toBe(`${sft.id}.step-2.weights.safetensors`);
    const bytes = await readFile(await weightsDownload.path());
    const checkpoint = readCheckpoint({ weights: new Uint8Array(bytes).buffer });
    const { layers, width, heads } = MODEL_PRESETS.nano;
    expect(checkpoint.config).toMatchObject({ layers, width, heads });
    expect(checkpoint.params.every(Number.isFinite)).toBe(true);

    // A fresh profile: its own IndexedDB, empty until the file is imported on its Results page.
    const fresh = await lab.page
      .context()
      .browser()!
      .newContext({ viewport: { width: 1400, height: 900 } });
    try {
      const other = await fresh.newPage();
      other.on('pageerror', (error) => pageErrors.push(`fresh profile: ${error.message}`));
      await other.goto(`${origin}/#results`);
      await other.getByText(/No runs yet/).waitFor({ timeout: 60_000 });
      await other.getByLabel('Import results file').setInputFiles(filePath);
      await other.getByText(/: 3 new runs\./).waitFor({ timeout: 60_000 });
      expect(await diagnosisText(other)).toBe(analysis);
      const imported = await readLab(other);
      expect(imported.sweeps.map((sweep) => sweep.id)).toEqual([sweepId]);
      expect(imported.runs.map((run) => run.id).sort()).toEqual([...plannedIds].sort());
      expect(imported.metrics.length).toBe(after.metrics.length);
      await other.getByRole('button', { name: 'Sweeps', exact: true }).click();
      await expect.poll(() => sweepRow(other).textContent(), { timeout: 30_000 }).toMatch(/finished/);
    } finally {
      await fresh.close();
    }
    expect(pageErrors).toEqual([]);
    console.info(`e2e sweep with a reload: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }, 600_000);
});
