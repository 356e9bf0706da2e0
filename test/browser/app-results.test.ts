import { mount, unmount } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import '../../src/app/app.css';
import ResultsPage from '../../src/app/ResultsPage.svelte';
import { DexieStore } from '../../src/store/db.ts';
import { readCheckpoint, writeCheckpoint } from '../../src/engine/checkpoint.ts';
import { modelConfig } from '../../src/model/config.ts';
import { initParameters, parameterLayout } from '../../src/model/layout.ts';
import type { CheckpointSidecar } from '../../src/train/checkpoint-download.ts';
import { exportResults } from '../../src/train/results-file.ts';
import { initialRunState } from '../../src/train/state.ts';
import { storeStudy } from './results-fixtures.ts';

let target: HTMLElement;
let store: DexieStore;
let app: ReturnType<typeof mount> | null = null;
const otherStores: DexieStore[] = [];

beforeEach(() => {
  store = new DexieStore(`test-app-results-${crypto.randomUUID()}`);
  target = document.createElement('div');
  document.body.append(target);
});

afterEach(async () => {
  if (app) await unmount(app);
  app = null;
  target.remove();
  await store.db.delete();
  for (const other of otherStores.splice(0)) await other.db.delete();
});

const open = (on: DexieStore = store): void => {
  app = mount(ResultsPage, { target, props: { store: on } });
};

/** The run names in the table, top to bottom. */
const tableOrder = (): string[] =>
  [...page.getByRole('table', { name: 'Runs' }).element().querySelectorAll('tbody tr td:first-child')].map(
    (cell) => cell.textContent?.trim() ?? '',
  );

/** Files the page hands to the browser's downloads, captured instead of saved. */
function captureDownloads(): { files: { name: string; blob: Blob }[]; restore: () => void } {
  const files: { name: string; blob: Blob }[] = [];
  const blobs = new Map<string, Blob>();
  const createObjectURL = URL.createObjectURL.bind(URL);
  const urls = vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
    const url = createObjectURL(blob);
    blobs.set(url, blob as Blob);
    return url;
  });
  const clicks = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
    this: HTMLAnchorElement,
  ) {
    files.push({ name: this.download, blob: blobs.get(this.href)! });
  });
  return {
    files,
    restore: () => {
      urls.mockRestore();
      clicks.mockRestore();
    },
  };
}

describe('Results page', () => {
  it('says how to get runs when the store has none', async () => {
    open();
    await expect
      .element(
        page.getByText(
          /No runs yet\. Train one on the Train page, run a sweep on the Sweeps page, or import/,
        ),
      )
      .toBeInTheDocument();
    await expect.element(page.getByRole('button', { name: 'Export JSON' })).toBeDisabled();
  });

  it('tables every run, draws the analysis of the finished ones, and sorts by a column', async () => {
    await storeStudy(store);
    open();
    const table = page.getByRole('table', { name: 'Runs' });
    await expect.element(table.getByRole('row', { name: /still-paused/ })).toHaveTextContent('paused');
    await expect
      .element(table.getByRole('row', { name: /branch-5/ }))
      .toHaveTextContent(/SFT\+RL\s*200.*65%.*30%.*7e9/);
    expect(table.element().querySelectorAll('tbody tr')).toHaveLength(9);

    const winRate = page.getByRole('figure', {
      name: 'Win rate of learning_rate by SFT amount, held-out goals',
    });
    await expect.element(winRate).toBeInTheDocument();
    // One bar per value sampled at each amount: RL from the base student (amount 0) tried one
    // learning rate, the branches at 100 and at 200 two each.
    expect(winRate.element().querySelectorAll('g[aria-description="win rate bars"] rect')).toHaveLength(
      1 + 2 + 2,
    );
    const pareto = page.getByRole('figure', { name: /Pareto frontier per strategy, held-out goals/ });
    // Two evaluations of each of the eight finished runs.
    expect(pareto.element().querySelectorAll('g[aria-description="evaluations"] circle')).toHaveLength(16);
    await expect
      .element(page.getByRole('region', { name: 'Diagnosis' }))
      .toHaveTextContent(/learning_rate = 0.0003/);

    await page.getByRole('button', { name: 'Held-out goals', exact: true }).click();
    expect(tableOrder()[0]).toBe('branch-5');
    expect(tableOrder().at(-1)).toBe('still-paused');
    await page.getByRole('button', { name: 'Held-out goals', exact: true }).click();
    expect(tableOrder().slice(0, 2)).toEqual(['rl-1', 'sft-100']);
    // A run with no score yet stays last in both directions.
    expect(tableOrder().at(-1)).toBe('still-paused');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    expect(tableOrder().slice(0, 2)).toEqual(['branch-1', 'branch-2']);

    await userEvent.click(page.getByLabelText('held-out tasks', { exact: true }));
    await expect
      .element(page.getByRole('figure', { name: /Pareto frontier per strategy, held-out tasks/ }))
      .toBeInTheDocument();
    expect(page.getByRole('figure', { name: /held-out goals/ }).elements()).toHaveLength(0);
  });

  it('downloads a figure as SVG and as PNG', async () => {
    await storeStudy(store);
    const downloads = captureDownloads();
    try {
      open();
      const title = 'Learning curves against training compute, held-out goals';
      await expect.element(page.getByRole('figure', { name: title })).toBeInTheDocument();
      await page.getByRole('button', { name: `Download ${title} as SVG` }).click();
      await expect.poll(() => downloads.files.length).toBe(1);
      expect(downloads.files[0]!.name).toBe('learning-curves-goals.svg');
      const svg = await downloads.files[0]!.blob.text();
      expect(svg).toMatch(/^<\?xml[^>]*>\s*<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      expect(svg).toContain('aria-description="learning curves"');

      await page.getByRole('button', { name: `Download ${title} as PNG` }).click();
      await expect.poll(() => downloads.files.length).toBe(2);
      const png = downloads.files[1]!;
      expect(png.name).toBe('learning-curves-goals.png');
      expect(png.blob.type).toBe('image/png');
      // Painted at twice the figure's size.
      const bitmap = await createImageBitmap(png.blob);
      const shown = page.getByRole('figure', { name: title }).element().querySelector('svg');
      expect(bitmap.width).toBe(2 * Number(shown?.getAttribute('width')));
    } finally {
      downloads.restore();
    }
  });

  it('exports every stored run as a results file and their metric rows as CSV', async () => {
    await storeStudy(store);
    const downloads = captureDownloads();
    try {
      open();
      await expect
        .element(page.getByRole('table', { name: 'Runs' }).getByRole('row', { name: /rl-1/ }))
        .toBeInTheDocument();
      await page.getByRole('button', { name: 'Export JSON' }).click();
      await page.getByRole('button', { name: 'Export metrics CSV' }).click();
      await expect.poll(() => downloads.files.length).toBe(2);
      const [json, csv] = downloads.files;
      expect(json!.name).toMatch(/^lab-results-.*\.json$/);
      const exported = JSON.parse(await json!.blob.text()) as { runs: { run: { name: string } }[] };
      expect(exported.runs.map((entry) => entry.run.name).sort()).toEqual([...tableOrder()].sort());
      expect(csv!.name).toMatch(/^lab-metrics-.*\.csv$/);
      // A header and two evaluations of each of the eight finished runs.
      expect((await csv!.blob.text()).trim().split('\n')).toHaveLength(1 + 8 * 2);
    } finally {
      downloads.restore();
    }
  });

  it("downloads a run's latest checkpoint as safetensors and sidecar, and says when a run has none", async () => {
    const runs = await storeStudy(store);
    const trained = runs[0]!;
    const config = { ...modelConfig('nano', { vocabSize: 37, positions: 'learned' }), context: 16 };
    const params = initParameters(parameterLayout(config), 'download');
    for (const step of [2, 3]) {
      await store.putCheckpoint({
        runId: trained.id,
        step,
        phase: 'sft',
        flops: step * 1e6,
        createdAt: Date.UTC(2026, 11, 3, 12, 0, step),
        weights: writeCheckpoint({ config, params: params.map((p) => p * step), optimizer: null }).weights,
        optimizer: null,
        tokenizer: { kind: 'learned', merges: [[104, 105]] },
        state: { ...initialRunState(), step },
      });
    }
    open();
    const downloads = captureDownloads();
    try {
      const outcome = page.getByLabelText('Checkpoint download');
      await page
        .getByRole('button', { name: `Download the weights of ${trained.name}'s latest checkpoint` })
        .click();
      await expect.element(outcome).toHaveTextContent(`Saved ${trained.id}.step-3.weights.safetensors.`);
      await page
        .getByRole('button', { name: `Download the sidecar of ${trained.name}'s latest checkpoint` })
        .click();
      await expect.element(outcome).toHaveTextContent(`Saved ${trained.id}.step-3.checkpoint.json.`);
      const [weights, sidecar] = downloads.files;
      expect(weights!.name).toBe(`${trained.id}.step-3.weights.safetensors`);
      const read = readCheckpoint({ weights: await weights!.blob.arrayBuffer() });
      expect(read.config).toEqual(config);
      expect(Array.from(read.params)).toEqual(Array.from(params.map((p) => p * 3)));
      const described = JSON.parse(await sidecar!.blob.text()) as CheckpointSidecar;
      expect(described).toMatchObject({ weightsFile: weights!.name, step: 3, run: { id: trained.id } });

      await page
        .getByRole('button', { name: "Download the weights of still-paused's latest checkpoint" })
        .click();
      await expect
        .element(page.getByRole('alert', { name: 'Checkpoint download' }))
        .toHaveTextContent(
          /Nothing to download: Run .* \(still-paused\) has no checkpoint: a run saves them as it trains\./,
        );
      expect(downloads.files).toHaveLength(2);
    } finally {
      downloads.restore();
    }
  });

  it('refuses a malformed file with its message and changes nothing', async () => {
    await storeStudy(store);
    open();
    await expect
      .element(page.getByRole('table', { name: 'Runs' }).getByRole('row', { name: /branch-1/ }))
      .toBeInTheDocument();
    const before = tableOrder();
    const good = await exportResults(store, [(await store.listRuns())[0]!.id]);
    const bad = {
      ...good,
      runs: [{ ...good.runs[0]!, run: { ...good.runs[0]!.run, id: 'new-run', status: 'done' } }],
    };
    const file = new File([JSON.stringify(bad)], 'bad.json', { type: 'application/json' });
    await userEvent.upload(page.getByLabelText('Import results file'), file);
    await expect
      .element(page.getByRole('alert'))
      .toHaveTextContent(
        /Could not import bad\.json: The results file is not valid: runs\.0\.run\.status: .*Nothing was imported/,
      );
    expect(await store.getRun('new-run')).toBeUndefined();
    expect((await store.listRuns()).length).toBe(9);
    expect(tableOrder()).toEqual(before);
  });

  it('imports a file exported by another lab and analyses its runs', async () => {
    await storeStudy(store);
    const exported = await exportResults(
      store,
      (await store.listRuns()).map((run) => run.id),
    );
    const fresh = new DexieStore(`test-app-results-${crypto.randomUUID()}`);
    otherStores.push(fresh);
    open(fresh);
    await expect.element(page.getByText(/No runs yet/)).toBeInTheDocument();
    const file = new File([JSON.stringify(exported)], 'study.json', { type: 'application/json' });
    await userEvent.upload(page.getByLabelText('Import results file'), file);
    await expect.element(page.getByRole('status')).toHaveTextContent('Imported study.json: 9 new runs.');
    await expect
      .element(page.getByRole('table', { name: 'Runs' }).getByRole('row', { name: /rl-1/ }))
      .toBeInTheDocument();
    expect(tableOrder()).toHaveLength(9);
    await expect
      .element(page.getByRole('figure', { name: /Pareto frontier per strategy, held-out goals/ }))
      .toBeInTheDocument();
  });
});
