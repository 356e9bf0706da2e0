import { mount, unmount } from 'svelte';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import '../../src/app/app.css';
import SweepsPage from '../../src/app/SweepsPage.svelte';
import { DexieStore } from '../../src/store/db.ts';
import type { SweepRecord } from '../../src/store/records.ts';
import { TINY_SPEC } from '../unit/sweep-fixtures.ts';

let target: HTMLElement;
let store: DexieStore;
let app: ReturnType<typeof mount> | null = null;

beforeEach(() => {
  localStorage.clear();
  store = new DexieStore(`test-app-sweeps-${crypto.randomUUID()}`);
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
  app = mount(SweepsPage, { target, props: { store } });
};
const close = async (): Promise<void> => {
  if (app) await unmount(app);
  app = null;
};

const specBox = () => page.getByLabelText(/Sweep spec \(JSON/);
const startButton = () => page.getByRole('button', { name: 'Start', exact: true });
const sweepRow = () => page.getByRole('region', { name: 'Sweeps' }).getByRole('row').first();

/** Opens the page, starts TINY_SPEC from it and gives the sweep's record once it is stored. */
async function startTinySweep(): Promise<SweepRecord> {
  open();
  await userEvent.fill(specBox(), JSON.stringify(TINY_SPEC));
  await startButton().click();
  await expect.poll(async () => (await store.listSweeps()).length, { timeout: 30_000 }).toBe(1);
  const [sweep] = await store.listSweeps();
  return sweep!;
}

describe('Sweeps page', () => {
  it('names the field of a malformed spec as it is typed, and Start stores nothing', async () => {
    open();
    await userEvent.fill(specBox(), '{ "sftAmounts": [-1], "rlRunsPerAmount": 2 }');
    await expect
      .element(page.getByRole('alert', { name: 'Spec problem' }))
      .toHaveTextContent(/sftAmounts\.0: /);
    await expect.element(startButton()).toBeDisabled();
    await userEvent.fill(specBox(), '{ "name": ');
    await expect.element(page.getByRole('alert', { name: 'Spec problem' })).toHaveTextContent(/not JSON/);
    await expect.element(startButton()).toBeDisabled();
    expect(await store.listSweeps()).toEqual([]);
    expect(await store.listRuns()).toEqual([]);

    await userEvent.fill(specBox(), JSON.stringify(TINY_SPEC));
    await expect.element(startButton()).toBeEnabled();
    const planned = page.getByRole('region', { name: 'Planned runs' });
    await expect.element(planned).toHaveTextContent(/sft\+rl-0@2/);
    await expect.element(planned).toHaveTextContent(/rl-0/);
  });

  it('runs a tiny sweep, is reloaded mid-run, resumes and finishes every run once', async () => {
    const sweep = await startTinySweep();
    const sftId = `${sweep.id}--sft`;
    // Mid-run: the SFT run has saved a checkpoint.
    await expect
      .poll(async () => (await store.listCheckpoints(sftId)).length, { timeout: 120_000, interval: 200 })
      .toBeGreaterThan(0);
    await expect.element(page.getByRole('progressbar', { name: 'Sweep' })).toBeInTheDocument();
    const planned = page.getByRole('region', { name: 'Planned runs' });
    await expect.element(planned.getByRole('progressbar', { name: 'sft', exact: true })).toBeInTheDocument();

    // The reload: the old page stops at its step's end; a page killed there leaves its sweep 'running'.
    await close();
    await expect
      .poll(async () => (await store.getSweep(sweep.id))?.status, { timeout: 60_000 })
      .toBe('paused');
    await store.putSweep({ ...(await store.getSweep(sweep.id))!, status: 'running' });
    open();
    await expect.element(sweepRow()).toHaveTextContent('interrupted');
    const resume = page.getByRole('button', { name: 'Resume' });
    await resume.click();
    await expect.element(sweepRow(), { timeout: 240_000 }).toHaveTextContent('finished');
    await expect
      .element(page.getByRole('progressbar', { name: 'Sweep' }))
      .toHaveAttribute('aria-valuenow', '1000');

    const runs = await store.listRuns();
    expect(runs.map((run) => run.status)).toEqual(['finished', 'finished', 'finished']);
    for (const run of runs) {
      const keys = (await store.metrics(run.id)).map((row) => `${row.kind}@${row.step}`);
      expect(new Set(keys).size).toBe(keys.length);
      expect(keys.filter((key) => key.startsWith('eval@')).length).toBeGreaterThanOrEqual(2);
    }
    expect(await store.metrics(sftId)).toHaveLength(4);
  });

  it('closed while an episode plays, pauses the sweep at the last checkpoint, and resumes to every row once', async () => {
    // The page goes with its iframes while a task page is mid-episode: that episode can never end (a
    // detached page's timers never fire), so the run must pause from its last checkpoint, not wait.
    const sweep = await startTinySweep();
    const midEpisode = (): boolean =>
      [...target.querySelectorAll<HTMLIFrameElement>('iframe')].some(
        (frame) => (frame.contentWindow as { WOB_DONE_GLOBAL?: boolean } | null)?.WOB_DONE_GLOBAL === false,
      );
    const checkpointSteps = async (): Promise<Record<string, number[]>> =>
      Object.fromEntries(
        await Promise.all(
          (await store.listRuns()).map(async (run) => [
            run.id,
            (await store.listCheckpoints(run.id)).map((checkpoint) => checkpoint.step),
          ]),
        ),
      );
    await expect.poll(midEpisode, { timeout: 120_000, interval: 5 }).toBe(true);
    await close();
    const atClose = await checkpointSteps();
    await expect
      .poll(async () => (await store.getSweep(sweep.id))?.status, { timeout: 60_000 })
      .toBe('paused');
    expect((await store.listRuns()).map((run) => run.status)).not.toContain('running');
    // The episode cut off is no verdict: nothing was evaluated or checkpointed on it (one run at a time).
    expect(await checkpointSteps()).toEqual(atClose);

    open();
    await page.getByRole('button', { name: 'Resume' }).click();
    await expect.element(sweepRow(), { timeout: 240_000 }).toHaveTextContent('finished');
    const runs = await store.listRuns();
    expect(runs.map((run) => run.status)).toEqual(['finished', 'finished', 'finished']);
    for (const run of runs) {
      const keys = (await store.metrics(run.id)).map((row) => `${row.kind}@${row.step}`);
      expect(new Set(keys).size).toBe(keys.length);
    }
    expect(await store.metrics(`${sweep.id}--sft`)).toHaveLength(4);
  });
});
