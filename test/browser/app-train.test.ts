import { mount, unmount } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import '../../src/app/app.css';
import TrainPage from '../../src/app/TrainPage.svelte';
import { DexieStore } from '../../src/store/db.ts';
import type { MetricRecord } from '../../src/store/records.ts';
import { createRun } from '../../src/train/run.ts';

let target: HTMLElement;
let store: DexieStore;
let app: ReturnType<typeof mount> | null = null;

beforeEach(() => {
  localStorage.clear();
  store = new DexieStore(`test-app-train-${crypto.randomUUID()}`);
  target = document.createElement('div');
  document.body.append(target);
});

afterEach(async () => {
  if (app) await unmount(app);
  app = null;
  target.remove();
  await store.db.delete();
});

const open = (): void => {
  app = mount(TrainPage, { target, props: { store } });
};

/** Three SFT steps and two evaluations of a run, as executeRun would have stored them. */
function storedMetrics(runId: string): MetricRecord[] {
  const train = (step: number, flops: number, loss: number): MetricRecord => ({
    runId,
    kind: 'train',
    step,
    phase: 'sft',
    flops,
    wallMs: step * 100,
    values: { loss },
  });
  const evaluation = (step: number, flops: number, goals: number, tasks: number): MetricRecord => ({
    runId,
    kind: 'eval',
    step,
    phase: 'sft',
    flops,
    wallMs: step * 100,
    values: {
      heldOutGoalSuccess: goals,
      heldOutGoalStderr: 0.1,
      heldOutTaskSuccess: tasks,
      heldOutTaskStderr: 0.05,
    },
    perTask: { 'click-test': goals, 'focus-text-2': tasks },
  });
  return [
    train(1, 1e9, 2.5),
    train(2, 2e9, 1.9),
    evaluation(2, 3e9, 0.33, 0.1),
    train(3, 4e9, 1.2),
    evaluation(3, 5e9, 0.67, 0.2),
  ];
}

describe('Train page', () => {
  it('renders the configuration, the engine in use and an empty run list', async () => {
    open();
    await expect.element(page.getByRole('region', { name: 'Run configuration' })).toBeInTheDocument();
    await expect.element(page.getByRole('button', { name: 'Start', exact: true })).toBeEnabled();
    await expect.element(page.getByRole('region', { name: 'Runs' })).toHaveTextContent('No runs yet');
    // Headless Chromium's WebGPU is SwiftShader, a software adapter: 'auto' takes the fast CPU
    // engine instead, and says why (the worker starts its engine after the page renders).
    await expect
      .element(page.getByLabelText('Engine'), { timeout: 60_000 })
      .toHaveTextContent(
        /Training on the CPU because the WebGPU adapter \(.*\) is a software fallback, slower than the CPU engine: CPU engine \(float32 WebAssembly/,
      );
  });

  it('runs its defaults, showing the SFT step, pace and ETA live, with the run table following', async () => {
    open();
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    const status = page.getByRole('status');
    await expect.element(status, { timeout: 240_000 }).toHaveTextContent(/SFT step [1-9]\d* of 200/);
    await expect.element(status, { timeout: 60_000 }).toHaveTextContent(/per step · ETA/);
    const bar = page.getByRole('progressbar', { name: 'SFT' });
    await expect.element(bar).toHaveAttribute('aria-valuemax', '200');
    const shown = Number(bar.element().getAttribute('aria-valuenow'));
    expect(shown).toBeGreaterThan(0);
    // The table's step follows the training rows, before any checkpoint (every 50 steps) is stored.
    const row = page.getByRole('region', { name: 'Runs' }).getByRole('row').nth(1);
    await expect.poll(() => Number(row.element().querySelectorAll('td')[2]?.textContent)).toBeGreaterThan(0);
    expect((await store.listRuns())[0]?.state.step).toBe(0);

    await page.getByRole('button', { name: 'Pause' }).click();
    await expect.element(row, { timeout: 120_000 }).toHaveTextContent('paused');
    expect((await store.listRuns())[0]?.state.step).toBeGreaterThan(0);
  }, 420_000);

  it('switches to the engine asked for, and remembers the choice', async () => {
    open();
    await expect
      .element(page.getByLabelText('Engine'), { timeout: 60_000 })
      .toHaveTextContent(/Training on the CPU/);
    await userEvent.selectOptions(page.getByLabelText('Train with'), 'webgpu');
    await expect
      .element(page.getByLabelText('Engine'), { timeout: 60_000 })
      .toHaveTextContent(/Training on WebGPU \(.*a software adapter: correct but slow\)/);
    expect(localStorage.getItem('web-agent-lab/engine-backend')).toBe('webgpu');
  });

  it('rejects a broken configuration in the JSON box, naming the field', async () => {
    open();
    await page.getByRole('button', { name: 'Edit JSON' }).click();
    const box = page.getByLabelText('Whole configuration (JSON)');
    await userEvent.fill(box, '{ "rl": { "discount": 2 }, "sft": { "stepz": 3 } }');
    await page.getByRole('button', { name: 'Apply JSON' }).click();
    const problems = page.getByRole('list', { name: 'Configuration problems' });
    await expect.element(problems).toHaveTextContent(/rl\.discount: .*1/);
    await expect.element(problems).toHaveTextContent(/sft: .*stepz/);
    // The form keeps its previous, valid configuration.
    await expect.element(box).toBeInTheDocument();

    await userEvent.fill(box, '{ "rl": { "discount": 0.5 } }');
    await page.getByRole('button', { name: 'Apply JSON' }).click();
    await expect.element(page.getByLabelText('Discount')).toHaveValue(0.5);
  });

  it('names an invalid field as it is typed and keeps Start off with the reason, starting nothing', async () => {
    open();
    const start = page.getByRole('button', { name: 'Start', exact: true });
    await userEvent.fill(page.getByLabelText('Learning rate', { exact: true }), '-1');
    await expect.element(page.getByText(/sft\.learningRate: /).first()).toBeInTheDocument();
    await expect.element(start).toBeDisabled();
    await expect
      .element(page.getByRole('alert', { name: 'Why Start is off' }))
      .toHaveTextContent(/sft\.learningRate: /);
    expect(await store.listRuns()).toHaveLength(0);

    // What only a run's own checks see (RL seeds that are held-out goals) is said as soon as it is typed.
    await userEvent.fill(page.getByLabelText('Learning rate', { exact: true }), '0.0003');
    await expect.element(start).toBeEnabled();
    await userEvent.fill(page.getByLabelText('RL iterations'), '2');
    await userEvent.fill(page.getByLabelText('RL seeds'), '0-9');
    await expect
      .element(page.getByRole('alert', { name: 'Why Start is off' }))
      .toHaveTextContent(/rl\.seeds: rl\.seeds "0-9" holds seeds 0, 1, 2/);
    await expect.element(start).toBeDisabled();
  });

  it('lists a stored run and draws its curves from the store, again after the page is mounted anew', async () => {
    const run = await createRun(store, { name: 'stored run', sft: { steps: 3 } });
    await store.putRun({ ...run, status: 'paused', state: { ...run.state, step: 3, sftSteps: 3 } });
    await store.putMetrics(storedMetrics(run.id));

    for (let visit = 0; visit < 2; visit++) {
      open();
      const row = page.getByRole('region', { name: 'Runs' }).getByRole('row', { name: /stored run/ });
      await expect.element(row).toHaveTextContent('paused');
      await expect.element(row.getByRole('button', { name: 'Resume' })).toBeInTheDocument();
      await expect.element(page.getByRole('heading', { level: 1 })).toHaveTextContent('stored run');

      const heldOut = page.getByRole('figure', { name: 'Held-out success against FLOPs' });
      await expect.element(heldOut).toHaveTextContent('held-out goals');
      expect(heldOut.element().querySelectorAll('svg path').length).toBeGreaterThan(0);
      const loss = page.getByRole('figure', { name: 'Training loss against FLOPs' });
      await expect.element(loss).toHaveTextContent('cumulative FLOPs');
      expect(loss.element().querySelectorAll('svg path').length).toBeGreaterThan(0);
      const heatmap = page.getByRole('figure', { name: 'Per-task success heat map' });
      await expect.element(heatmap).toHaveTextContent('focus-text-2');
      // Two tasks x two evaluations.
      expect(heatmap.element().querySelectorAll('svg rect').length).toBeGreaterThanOrEqual(4);
      await expect
        .element(page.getByRole('figure', { name: 'Training reward against FLOPs' }))
        .toHaveTextContent('No RL iteration yet.');

      if (app) await unmount(app);
      app = null;
    }
  });

  it('overlays a second run, draws along steps or wall time, smooths, and clones a run into the form', async () => {
    const first = await createRun(store, { name: 'first run', sft: { steps: 3 } });
    const second = await createRun(store, { name: 'second run', sft: { steps: 3, learningRate: 0.001 } });
    for (const run of [first, second]) {
      await store.putRun({ ...run, status: 'paused', state: { ...run.state, step: 3, sftSteps: 3 } });
      await store.putMetrics(storedMetrics(run.id));
    }
    open();
    const runs = page.getByRole('region', { name: 'Runs' });
    await runs.getByRole('row', { name: /first run/ }).click();
    await expect.element(page.getByRole('heading', { level: 1 })).toHaveTextContent('first run');
    await runs.getByLabelText('Overlay second run').click();
    const overlaid = page.getByRole('figure', { name: 'Held-out success of several runs against FLOPs' });
    await expect.element(overlaid).toHaveTextContent('first run');
    await expect.element(overlaid).toHaveTextContent('second run');
    // Two runs x two held-out sets: four lines.
    expect(overlaid.element().querySelectorAll('svg g[aria-label="line"] path').length).toBe(4);

    await page.getByLabelText('Curves along').selectOptions('step');
    const loss = page.getByRole('figure', { name: 'Training loss against steps' });
    await expect.element(loss).toHaveTextContent('optimizer step');
    await page.getByLabelText('Curves along').selectOptions('wall');
    await expect
      .element(page.getByRole('figure', { name: 'Held-out success against wall time' }))
      .toHaveTextContent('wall time (s)');

    await runs.getByLabelText('Overlay second run').click();
    await expect.element(page.getByRole('region', { name: 'Runs overlaid' })).not.toBeInTheDocument();

    await runs.getByRole('button', { name: 'Clone second run' }).click();
    await expect.element(page.getByLabelText('Name')).toHaveValue('second run (copy)');
    await expect.element(page.getByLabelText('Learning rate', { exact: true })).toHaveValue(0.001);
  });

  it('offers Resume for a run cut off while running', async () => {
    const run = await createRun(store, { name: 'cut off' });
    await store.putRun({ ...run, status: 'running' });
    open();
    const row = page.getByRole('region', { name: 'Runs' }).getByRole('row', { name: /cut off/ });
    await expect.element(row).toHaveTextContent('interrupted');
    await expect.element(row.getByRole('button', { name: 'Resume' })).toBeInTheDocument();
  });

  it('exports a run cut off while running as paused, not as running', async () => {
    const run = await createRun(store, { name: 'cut off' });
    await store.putRun({ ...run, status: 'running' });
    const blobs: Blob[] = [];
    const spy = vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
      blobs.push(blob as Blob);
      return 'blob:captured';
    });
    try {
      open();
      const row = page.getByRole('region', { name: 'Runs' }).getByRole('row', { name: /cut off/ });
      await expect.element(row).toHaveTextContent('interrupted');
      await page.getByRole('button', { name: 'Export JSON' }).click();
      await expect.poll(() => blobs.length).toBe(1);
      const exported = JSON.parse(await blobs[0]!.text()) as { runs: { run: { status: string } }[] };
      expect(exported.runs.map((entry) => entry.run.status)).toEqual(['paused']);
    } finally {
      spy.mockRestore();
    }
  });
});
