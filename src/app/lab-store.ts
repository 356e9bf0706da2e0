import { DexieStore } from '../store/db.ts';

let shared: DexieStore | null = null;

/** The lab's IndexedDB store, one connection shared by every page of this tab. */
export function labStore(): DexieStore {
  shared ??= new DexieStore();
  return shared;
}
