import { mount, unmount } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { page } from 'vitest/browser';
import '../../src/app/app.css';
import ResultsPage from '../../src/app/ResultsPage.svelte';
import type { AnalysedRun, AnalysisSummary } from '../../src/analysis/types.ts';
import { analyzeRuns } from '../../src/analysis/summary.ts';
import { DexieStore } from '../../src/store/db.ts';
import type { Analyst } from '../../workers/analysis-client.ts';
import { storeStudy } from './results-fixtures.ts';

/** Messages posted by the workers this page starts, by worker name. */
function watchWorkers(): { messages: Map<string, unknown[]>; restore: () => void } {
  const messages = new Map<string, unknown[]>();
  const PageWorker = globalThis.Worker;
  vi.stubGlobal(
    'Worker',
    class extends PageWorker {
      constructor(url: string | URL, options?: WorkerOptions) {
        super(url, options);
        const name = options?.name ?? '';
        messages.set(name, messages.get(name) ?? []);
        this.addEventListener('message', (event) => messages.get(name)!.push(event.data));
      }
    },
  );
  return { messages, restore: () => vi.unstubAllGlobals() };
}

let target: HTMLElement;
let store: DexieStore;
let app: ReturnType<typeof mount> | null = null;

beforeEach(() => {
  store = new DexieStore(`test-app-results-analysis-${crypto.randomUUID()}`);
  target = document.createElement('div');
  document.body.append(target);
});

afterEach(async () => {
  await close();
  target.remove();
  await store.db.delete();
});

const open = (analyst?: Analyst): void => {
  app = mount(ResultsPage, { target, props: analyst ? { store, analyst } : { store } });
};
const close = async (): Promise<void> => {
  if (app) await unmount(app);
  app = null;
};

/** An analyst that answers when the test says so, with the real analysis, and counts its calls. */
function heldAnalyst(): Analyst & { calls: number; release(): void } {
  let release = (): void => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const analyst = {
    calls: 0,
    release: () => release(),
    async analyze(runs: readonly AnalysedRun[]): Promise<AnalysisSummary> {
      analyst.calls += 1;
      await gate;
      return analyzeRuns(runs);
    },
    dispose: () => undefined,
  };
  return analyst;
}

/** The run names in the table, top to bottom. */
const tableOrder = (): string[] =>
  [...page.getByRole('table', { name: 'Runs' }).element().querySelectorAll('tbody tr td:first-child')].map(
    (cell) => cell.textContent?.trim() ?? '',
  );
const diagnosis = () => page.getByRole('region', { name: 'Diagnosis' });
const analysing = () => page.getByRole('status', { name: 'Analysis' });

describe('Results page analysis', () => {
  it('is made by the analysis worker, not on the page thread', async () => {
    const runs = await storeStudy(store);
    const finished = runs.filter((run) => run.status === 'finished').length;
    const workers = watchWorkers();
    try {
      open();
      await expect
        .element(diagnosis(), { timeout: 60_000 })
        .toHaveTextContent(/Recommended \(pooled win rate\)/);
      // Comlink's answer to the page's call carries the summary the page shows.
      const answers = (workers.messages.get('analysis') ?? []) as { value?: Partial<AnalysisSummary> }[];
      expect(answers.some((answer) => answer.value?.runs === finished && answer.value.bootstrap)).toBe(true);
      expect(page.getByRole('alert').elements()).toEqual([]);
    } finally {
      workers.restore();
    }
  });

  it('shows the runs and says it is analysing while the analysis is under way; the table answers clicks', async () => {
    const runs = await storeStudy(store);
    const finished = runs.filter((run) => run.status === 'finished').length;
    const analyst = heldAnalyst();
    open(analyst);
    await expect
      .element(analysing())
      .toHaveTextContent(`Analysing ${finished} finished runs in the background…`);
    const table = page.getByRole('table', { name: 'Runs' });
    await expect.element(table.getByRole('row', { name: /still-paused/ })).toBeInTheDocument();
    await table.getByRole('button', { name: 'Run', exact: true }).click();
    await expect.poll(() => tableOrder().slice(0, 2)).toEqual(['branch-1', 'branch-2']);
    expect(diagnosis().elements()).toEqual([]);
    await expect.element(analysing()).toBeInTheDocument();

    analyst.release();
    await expect.element(diagnosis()).toHaveTextContent(/Recommended \(pooled win rate\)/);
    await expect.element(analysing()).not.toBeInTheDocument();
  });

  it('analyses a store state once: shown again unchanged it reuses the analysis, changed it analyses again', async () => {
    const runs = await storeStudy(store);
    const analyst = heldAnalyst();
    analyst.release();
    open(analyst);
    await expect.element(diagnosis()).toBeInTheDocument();
    await close();
    open(analyst);
    await expect.element(diagnosis()).toBeInTheDocument();
    expect(analyst.calls).toBe(1);

    await close();
    const first = runs[0]!;
    await store.putRun({ ...first, updatedAt: first.updatedAt + 1 });
    open(analyst);
    await expect.poll(() => analyst.calls).toBe(2);
    await expect.element(diagnosis()).toBeInTheDocument();
  });
});
