import { DexieStore } from '../store/db.ts';
import type { LabStore } from '../store/store.ts';
import { stopInterruptedCollections } from '../train/traces.ts';

let shared: DexieStore | null = null;

/** The lab's IndexedDB store, one connection shared by every page of this tab. */
export function labStore(): DexieStore {
  shared ??= new DexieStore();
  return shared;
}

const recovered = new WeakMap<LabStore, Promise<void>>();

/**
 * Once per store and tab, before this tab collects anything (the pages that collect call it when they
 * mount): datasets still 'collecting' were cut off by a reload or a crash and become 'stopped', keeping
 * the traces their stored counts describe.
 */
export function recoverCollections(store: LabStore): Promise<void> {
  let done = recovered.get(store);
  if (done === undefined) {
    done = stopInterruptedCollections(store).then(
      () => undefined,
      // The lists still show such a dataset, as 'interrupted'; nothing is lost.
      (error: unknown) => console.warn('Could not mark interrupted collections:', error),
    );
    recovered.set(store, done);
  }
  return done;
}
