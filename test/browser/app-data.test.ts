import { mount, unmount } from 'svelte';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import '../../src/app/app.css';
import DataPage from '../../src/app/DataPage.svelte';
import { DexieStore } from '../../src/store/db.ts';

let target: HTMLElement;
let store: DexieStore;
let app: ReturnType<typeof mount> | null = null;

beforeEach(() => {
  localStorage.clear();
  sessionStorage.clear();
  store = new DexieStore(`test-app-data-${crypto.randomUUID()}`);
  target = document.createElement('div');
  document.body.append(target);
});

afterEach(async () => {
  if (app) await unmount(app);
  app = null;
  target.remove();
  await store.db.delete();
});

const datasets = () => page.getByRole('region', { name: 'Datasets' });

describe('Data page', () => {
  it('collects click-test traces from the expert on 3 seeds, shows 100% and lists the dataset', async () => {
    app = mount(DataPage, { target, props: { store } });
    await expect.element(datasets()).toHaveTextContent('No datasets yet');

    // Only click-test: untick the other training tasks of the micro split.
    for (const other of ['focus-text', 'enter-text', 'click-button']) {
      await page.getByRole('group', { name: 'Training tasks' }).getByLabelText(other).click();
    }
    await userEvent.fill(page.getByLabelText('Seeds'), '3-5');
    await page.getByRole('button', { name: 'Collect', exact: true }).click();

    await expect.element(page.getByRole('progressbar', { name: 'Last collection' })).toBeInTheDocument();
    await expect.element(page.getByText(/3 \/ 3 episodes · 3 successes \(100%\)/)).toBeInTheDocument();
    const row = datasets().getByRole('row', { name: /expert traces, micro split, seeds 3-5/ });
    await expect.element(row).toHaveTextContent('complete');
    await expect.element(row).toHaveTextContent('100%');
    // The iframes the teacher played in stay in view.
    expect(
      page.getByRole('region', { name: 'Teacher at work' }).element().querySelectorAll('iframe').length,
    ).toBeGreaterThan(0);

    const [stored] = await store.listDatasets();
    expect(stored?.stats).toMatchObject({
      episodes: 3,
      successes: 3,
      kept: 3,
      perTask: { 'click-test': { episodes: 3, successes: 3 } },
    });
    expect(await store.traces(stored?.id ?? '')).toHaveLength(3);
    // The per-task plot of the selected dataset.
    await expect
      .element(datasets().getByRole('figure', { name: 'Teacher success per task' }))
      .toHaveTextContent('click-test');

    // Still there after the page is mounted again (all state comes from the store).
    await unmount(app);
    app = mount(DataPage, { target, props: { store } });
    await expect.element(datasets().getByRole('row', { name: /seeds 3-5/ })).toHaveTextContent('100%');
  });

  it('shows a stored episode step by step and rebuilds the page as it was before a step', async () => {
    app = mount(DataPage, { target, props: { store } });
    for (const other of ['focus-text', 'click-test', 'click-button']) {
      await page.getByRole('group', { name: 'Training tasks' }).getByLabelText(other).click();
    }
    await userEvent.fill(page.getByLabelText('Seeds'), '3-4');
    await page.getByRole('button', { name: 'Collect', exact: true }).click();
    const viewer = page.getByRole('region', { name: 'Episode viewer' });
    await expect.element(viewer, { timeout: 30_000 }).toHaveTextContent('2 stored');

    const [dataset] = await store.listDatasets();
    const [first] = await store.traces(dataset!.id);
    expect(first!.steps.length).toBeGreaterThan(1);
    const shown = viewer.getByRole('definition');
    await expect.element(viewer.getByText(`step 1 of ${first!.steps.length}`)).toBeInTheDocument();
    await expect.element(shown.nth(0)).toHaveTextContent(first!.steps[0]!.utterance);
    await expect
      .element(viewer.getByLabelText('Observation'))
      .toHaveTextContent(first!.steps[0]!.observation.slice(0, 40));
    await viewer.getByRole('button', { name: 'Next' }).click();
    await expect.element(viewer.getByText(`step 2 of ${first!.steps.length}`)).toBeInTheDocument();
    await expect.element(viewer.getByText(first!.steps[1]!.action)).toBeInTheDocument();

    // The page before step 2: the first action (typing the asked text) replayed on the episode's seed.
    await viewer.getByRole('button', { name: 'Show the page before this step' }).click();
    await expect.element(viewer.getByText('The page before step 2, rebuilt from seed 3')).toBeInTheDocument();
    const frame = viewer.element().querySelector('iframe')!;
    const typed = /"([^"]*)"\)$/.exec(first!.steps[0]!.action)?.[1];
    expect(typed).toBeTruthy();
    await expect.poll(() => frame.contentDocument?.querySelector('input')?.value).toBe(typed);
  });

  it('stops at once on Stop, keeping the episodes collected, counted and usable', async () => {
    app = mount(DataPage, { target, props: { store } });
    for (const other of ['focus-text', 'enter-text', 'click-button']) {
      await page.getByRole('group', { name: 'Training tasks' }).getByLabelText(other).click();
    }
    await userEvent.fill(page.getByLabelText('Seeds'), '3-2002');
    await page.getByRole('button', { name: 'Collect', exact: true }).click();
    await expect
      .element(page.getByText(/\d+ \/ 2000 episodes/), { timeout: 30_000 })
      .toHaveTextContent(/([4-9]|\d\d+) \/ 2000/);
    await page.getByRole('button', { name: 'Stop' }).click();

    // The pool ends within a step of each episode under way: no running on through the seeds.
    const row = datasets().getByRole('row', { name: /seeds 3-2002/ });
    await expect.element(row, { timeout: 3000 }).toHaveTextContent('stopped');
    const [stored] = await store.listDatasets();
    expect(stored?.status).toBe('stopped');
    expect(stored?.stats.episodes).toBeLessThan(2000);
    expect(await store.traces(stored!.id)).toHaveLength(stored!.stats.kept);
    await expect.element(row).toHaveTextContent(`the ${stored!.stats.kept} kept are stored`);
    // Nothing more is played after the Stop.
    await new Promise((r) => setTimeout(r, 500));
    expect((await store.listDatasets())[0]?.stats.episodes).toBe(stored?.stats.episodes);
  });

  it('shows a collection cut off by a reload as stopped, with the episodes it had stored', async () => {
    const dataset = {
      id: 'cut-off',
      name: 'cut off by a reload',
      createdAt: Date.now(),
      status: 'collecting' as const,
      error: null,
      teacher: { kind: 'expert' },
      split: 'micro',
      tasks: ['click-test'],
      observationFormat: 'axtree' as const,
      maxSteps: 3,
      stats: {
        episodes: 12,
        successes: 12,
        kept: 12,
        keptSteps: 12,
        steps: 12,
        tokens: 900,
        teacherFlops: 1e9,
        teacherFlopsBasis: 'paper ratio',
        perTask: { 'click-test': { episodes: 12, successes: 12 } },
      },
    };
    await store.putDataset(dataset);
    app = mount(DataPage, { target, props: { store } });
    const row = datasets().getByRole('row', { name: /cut off by a reload/ });
    await expect.element(row).toHaveTextContent('stopped');
    await expect.element(row).toHaveTextContent('after 12 episodes; the 12 kept are stored');
    expect((await store.getDataset('cut-off'))?.status).toBe('stopped');
  });

  it('names the field of a bad seed list as it is typed, keeps Collect off, and collects nothing', async () => {
    app = mount(DataPage, { target, props: { store } });
    const collect = page.getByRole('button', { name: 'Collect', exact: true });
    await userEvent.fill(page.getByLabelText('Seeds'), 'three');
    await expect
      .element(page.getByText('write seeds as "0-2", "3-99" or "0,4,7"').first())
      .toBeInTheDocument();
    await expect.element(collect).toBeDisabled();
    // Seeds that are held-out goals are refused before Collect, not after it.
    await userEvent.fill(page.getByLabelText('Seeds'), '0-5');
    await expect
      .element(page.getByRole('alert', { name: 'Why Collect is off' }))
      .toHaveTextContent(/seeds: .*holds seeds 0, 1, 2: seeds 0-2 are the held-out goals/);
    await expect.element(collect).toBeDisabled();
    await userEvent.fill(page.getByLabelText('Seeds'), '3-5');
    await expect.element(collect).toBeEnabled();
    expect(await store.listDatasets()).toHaveLength(0);
  });

  it('keeps the LLM key out of the stored settings and shows why an endpoint is unreachable', async () => {
    app = mount(DataPage, { target, props: { store } });
    await page.getByLabelText('Teacher', { exact: true }).selectOptions('llm');
    await userEvent.fill(page.getByLabelText('Base URL'), 'http://127.0.0.1:9/v1');
    await userEvent.fill(page.getByLabelText('Model'), 'teacher-model');
    await userEvent.fill(page.getByLabelText('API key'), 'sk-secret');
    await page.getByRole('button', { name: 'Test connection' }).click();
    await expect.element(page.getByText(/Could not reach the LLM endpoint/)).toBeInTheDocument();
    expect(localStorage.getItem('lab.data.settings')).not.toContain('sk-secret');
    expect(sessionStorage.getItem('lab.data.llmApiKey')).toBe('sk-secret');
  });
});
