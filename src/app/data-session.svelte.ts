import { checkLlmEndpoint } from '../agent/llm-policy.ts';
import { EnvPool } from '../env/pool.ts';
import type { DatasetRecord } from '../store/records.ts';
import type { LabStore } from '../store/store.ts';
import { collectTraces, type CollectProgress } from '../train/traces.ts';
import { collectSettings, saveApiKey, type DataForm } from './data-settings.ts';
import { envOptionsOf } from '../train/run-environment.ts';
import { errorMessage } from './lab-format.ts';

export type ConnectionCheck =
  | { state: 'idle' }
  | { state: 'checking' }
  | { state: 'ok'; message: string }
  | { state: 'failed'; message: string };

/**
 * The Data page's work: the stored datasets, one collection at a time in an env pool whose iframes
 * the page shows, its progress, and the LLM endpoint check. Everything shown comes from the store,
 * so a reload loses nothing but a collection under way (its dataset stays, marked as such).
 */
export class DataSession {
  datasets = $state.raw<DatasetRecord[]>([]);
  selectedId = $state<string | null>(null);
  progress = $state.raw<CollectProgress | null>(null);
  collecting = $state(false);
  /** The last collection's failure, or a store error, in words the user can act on. */
  error = $state<string | null>(null);
  connection = $state.raw<ConnectionCheck>({ state: 'idle' });
  /** The LLM key: in memory and this tab's sessionStorage only. */
  apiKey = $state('');

  readonly selected = $derived(
    this.datasets.find((d) => d.id === this.selectedId) ?? this.datasets[0] ?? null,
  );

  private pool: EnvPool | null = null;
  /** When the collection under way started: the 'collecting' dataset made since then is its own. */
  private collectionStartedAt: number | null = null;
  private abort: AbortController | null = null;
  private disposed = false;

  constructor(
    readonly store: LabStore,
    readonly form: DataForm,
    apiKey: string,
  ) {
    this.apiKey = apiKey;
  }

  /** Field -> what is wrong with it, live as the user types (the form is reactive state); Collect is off while there is any. */
  get problems(): Record<string, string> {
    return collectSettings(this.form, this.apiKey).problems ?? {};
  }

  setApiKey(key: string): void {
    this.apiKey = key;
    saveApiKey(key);
    this.connection = { state: 'idle' };
  }

  async refresh(): Promise<void> {
    try {
      const datasets = await this.store.listDatasets();
      if (!this.disposed) this.datasets = datasets;
    } catch (error) {
      this.error = `Could not read the stored datasets: ${errorMessage(error)}`;
    }
  }

  /** Plays the teacher over the chosen tasks and seeds in iframes placed in `container`. */
  async collect(container: HTMLElement): Promise<DatasetRecord | null> {
    if (this.collecting) return null;
    const { settings } = collectSettings(this.form, this.apiKey);
    if (!settings) {
      this.error = 'Some settings are not valid: fix the fields marked in red, then collect again.';
      return null;
    }
    this.error = null;
    this.collecting = true;
    this.collectionStartedAt = Date.now();
    this.progress = { done: 0, total: 0, successes: 0, etaMs: null };
    this.pool?.dispose();
    container.replaceChildren();
    const pool = new EnvPool(container, { size: settings.env.poolSize, env: envOptionsOf(settings.env) });
    this.pool = pool;
    const abort = new AbortController();
    this.abort = abort;
    let listed = false;
    try {
      const dataset = await collectTraces(this.store, settings, pool, {
        signal: abort.signal,
        onProgress: (progress) => {
          this.progress = progress;
          // The dataset is stored before the first episode: list it as it fills.
          if (!listed) {
            listed = true;
            void this.refresh();
          }
        },
      });
      this.selectedId = dataset.id;
      return dataset;
    } catch (error) {
      this.error = abort.signal.aborted
        ? `Collection stopped. ${errorMessage(error)}`
        : `The collection failed: ${errorMessage(error)}`;
      return null;
    } finally {
      this.abort = null;
      this.collecting = false;
      this.collectionStartedAt = null;
      await this.refresh();
    }
  }

  /** Whether `dataset` is the one being collected now (a 'collecting' one otherwise was cut off by a reload). */
  isCollecting(dataset: DatasetRecord): boolean {
    return (
      this.collecting &&
      this.collectionStartedAt !== null &&
      dataset.status === 'collecting' &&
      dataset.createdAt >= this.collectionStartedAt
    );
  }

  stop(): void {
    this.abort?.abort();
  }

  async remove(id: string): Promise<void> {
    try {
      await this.store.deleteDataset(id);
    } catch (error) {
      this.error = `Could not delete the dataset: ${errorMessage(error)}`;
    }
    if (this.selectedId === id) this.selectedId = null;
    await this.refresh();
  }

  async testConnection(): Promise<void> {
    this.connection = { state: 'checking' };
    try {
      const message = await checkLlmEndpoint({
        baseUrl: this.form.baseUrl.trim(),
        model: this.form.model.trim(),
        apiKey: this.apiKey,
        temperature: this.form.temperature,
        maxTokens: this.form.maxTokens,
      });
      this.connection = { state: 'ok', message };
    } catch (error) {
      this.connection = { state: 'failed', message: errorMessage(error) };
    }
  }

  dispose(): void {
    this.disposed = true;
    this.abort?.abort();
    this.pool?.dispose();
    this.pool = null;
  }
}

/** A dataset's state as the list says it: one still 'collecting' with no collection under way was cut off. */
export function datasetState(dataset: DatasetRecord, collectingNow: boolean): string {
  if (dataset.status === 'collecting') return collectingNow ? 'collecting' : 'interrupted';
  return dataset.status;
}
