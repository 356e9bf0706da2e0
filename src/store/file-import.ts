import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { entryKind, errorCode, fileError, writeAtomic } from './file-io.ts';

/*
 * An import into a FileStore lands whole or not at all, through a staging folder and a marker:
 *
 *   1. every file is written under <store>/.import-<uuid>/<folder>/<name> (flushed, each renamed
 *      into place there), on the store's own file system so that moving it later is a rename;
 *   2. READY is written into the staging folder: from here on the import is decided;
 *   3. each file is renamed into <store>/<folder>/<name>, metrics and sweeps before runs (a run that
 *      is visible has its rows), then the staging folder is removed.
 *
 * A failure in 1 or 2 (a full disk) removes the staging folder: the store is as it was. A crash in 1
 * or 2 leaves a staging folder without READY, which an opening of the store deletes; a crash in 3
 * leaves one with READY, whose remaining files the next opening moves into place (recoverImports).
 * Readers never look into dot folders, so a staged file is never read as a record. A store opened
 * while another FileStore (in this process or another) imports into the same folder must not take
 * that import for a crashed one: a staging folder without READY is deleted only once nothing has
 * landed in it for ABANDONED_MS, and a file that the other mover has already moved is skipped.
 */

const STAGING_PREFIX = '.import-';
const READY = 'READY';
/** Staging younger than this may be an import in progress: an import writes its files in seconds. */
export const ABANDONED_MS = 10 * 60 * 1000;
/** Renamed in this order; within a folder, in the order given. */
const COMMIT_ORDER = ['metrics', 'sweeps', 'runs'] as const;
export type ImportFolder = (typeof COMMIT_ORDER)[number];

export interface StagedFile {
  folder: ImportFolder;
  /** The file's name in its folder (already checked as a safe name). */
  name: string;
  data: string;
}

/** Writes `files` into the store folder `dir` as one step; `what` names them in a StoreFullError. */
export async function importFiles(dir: string, files: readonly StagedFile[], what: string): Promise<void> {
  const staging = join(dir, `${STAGING_PREFIX}${crypto.randomUUID()}`);
  try {
    for (const folder of COMMIT_ORDER) await mkdir(join(staging, folder), { recursive: true });
    for (const file of files) await writeAtomic(join(staging, file.folder, file.name), file.data, what);
    await writeAtomic(join(staging, READY), '', what);
  } catch (error) {
    await rm(staging, { recursive: true, force: true }).catch(() => undefined);
    // writeAtomic's errors are the store's already; a folder refused for space becomes one too.
    throw fileError(error, what, staging);
  }
  await moveIntoPlace(dir, staging);
}

/** Finishes the imports a crash cut after READY and deletes those it cut before. */
export async function recoverImports(dir: string): Promise<void> {
  const names = await readdir(dir);
  for (const name of names.filter((entry) => entry.startsWith(STAGING_PREFIX))) {
    const staging = join(dir, name);
    if ((await entryKind(join(staging, READY))) !== 'missing') await moveIntoPlace(dir, staging);
    else if (Date.now() - (await lastWrite(staging)) > ABANDONED_MS) {
      await rm(staging, { recursive: true, force: true });
    }
  }
}

async function moveIntoPlace(dir: string, staging: string): Promise<void> {
  for (const folder of COMMIT_ORDER) {
    for (const name of await namesIn(join(staging, folder))) {
      // ENOENT: another store recovering this import moved the file first.
      await rename(join(staging, folder, name), join(dir, folder, name)).catch((error: unknown) => {
        if (errorCode(error) !== 'ENOENT') throw error;
      });
    }
  }
  await rm(staging, { recursive: true, force: true });
}

/** When a file last landed in the staging folder (its folders' times change as files are added). */
async function lastWrite(staging: string): Promise<number> {
  const folders = [staging, ...COMMIT_ORDER.map((folder) => join(staging, folder))];
  const times = await Promise.all(
    folders.map((folder) =>
      stat(folder).then(
        (stats) => stats.mtimeMs,
        () => 0,
      ),
    ),
  );
  return Math.max(...times);
}

async function namesIn(folder: string): Promise<string[]> {
  try {
    // Temporary files of a write cut by a crash in step 1 never reach this point (no READY).
    return (await readdir(folder)).filter((name) => !name.endsWith('.tmp'));
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return [];
    throw error;
  }
}
