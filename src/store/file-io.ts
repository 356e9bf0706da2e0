import { open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { StoreFullError, StoreInputError } from './store.ts';

/*
 * File helpers of FileStore and its imports (Node only): JSON that keeps NaN, files replaced whole by
 * rename, JSONL appended line by line, and file-system errors turned into the store's errors.
 */

export async function entryKind(path: string): Promise<'missing' | 'folder' | 'other'> {
  try {
    return (await stat(path)).isDirectory() ? 'folder' : 'other';
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return 'missing';
    if (errorCode(error) === 'ENOTDIR') return 'other';
    throw error;
  }
}

export function notAFolder(path: string, what: string): StoreInputError {
  return new StoreInputError(
    `${path} exists but is not a folder, and FileStore keeps ${what} in a folder there. Move it away or ` +
      'choose another store folder.',
  );
}

/*
 * JSON with non-finite numbers kept (a diverged loss is NaN, and must read back as NaN, not null).
 */

interface TaggedNumber {
  $number: string;
}

export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    typeof item === 'number' && !Number.isFinite(item)
      ? ({ $number: String(item) } satisfies TaggedNumber)
      : item,
  );
}

export function fromJson(text: string): unknown {
  return JSON.parse(text, (_key, item: unknown) => {
    if (typeof item === 'object' && item !== null && !Array.isArray(item)) {
      const keys = Object.keys(item);
      const tag = (item as Partial<TaggedNumber>).$number;
      if (keys.length === 1 && typeof tag === 'string') return Number(tag);
    }
    return item;
  });
}

export async function readJson<T>(path: string): Promise<T | undefined> {
  const text = await readText(path);
  if (text === undefined) return undefined;
  try {
    return fromJson(text) as T;
  } catch (error) {
    throw notWrittenByTheLab(path, error);
  }
}

/** The complete lines of a JSONL file; a last line without its newline was cut by a crash. */
export async function readLines<T>(path: string): Promise<T[]> {
  const text = await readText(path);
  if (text === undefined) return [];
  const lines = text.split('\n').slice(0, -1);
  return lines.map((line, i) => {
    try {
      return fromJson(line) as T;
    } catch (error) {
      throw notWrittenByTheLab(`${path} line ${i + 1}`, error);
    }
  });
}

export async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

export async function readBuffer(path: string, expectedBytes: number): Promise<ArrayBuffer> {
  const bytes = await readFile(path).catch((error: unknown) => {
    throw errorCode(error) === 'ENOENT'
      ? new StoreInputError(`${path} is missing: the checkpoint is incomplete.`)
      : error;
  });
  if (bytes.byteLength !== expectedBytes) {
    throw new StoreInputError(
      `${path} holds ${bytes.byteLength} bytes where the checkpoint wrote ${expectedBytes}: the file was ` +
        'changed or cut. Delete this checkpoint (or resume from an earlier one).',
    );
  }
  // A copy: a small Buffer is a view into Node's shared pool, not an ArrayBuffer of its own.
  return new Uint8Array(bytes).buffer;
}

export async function listFolder(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return [];
    if (errorCode(error) === 'ENOTDIR') throw notAFolder(dir, 'records');
    throw error;
  }
}

function notWrittenByTheLab(where: string, error: unknown): StoreInputError {
  const reason = error instanceof Error ? error.message : String(error);
  return new StoreInputError(
    `${where} is not valid JSON (${reason}): it was edited or not written by the lab. Move it out of the ` +
      'store folder.',
    { cause: error },
  );
}

export function writeJson(path: string, value: unknown, what: string): Promise<void> {
  return writeAtomic(path, toJson(value), what);
}

export function writeLines(path: string, rows: readonly unknown[], what: string): Promise<void> {
  return writeAtomic(path, rows.map((row) => `${toJson(row)}\n`).join(''), what);
}

let temporaryCount = 0;

/** Written beside the target, flushed, then renamed over it: readers see the old file or the new one. */
export async function writeAtomic(path: string, data: string | Uint8Array, what: string): Promise<void> {
  const temporary = `${path}.${process.pid}-${temporaryCount++}.tmp`;
  try {
    const handle = await open(temporary, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    throw fileError(error, what, path);
  }
}

/** Appends whole lines, first cutting off a line left unfinished by a crash. */
export async function appendLines(path: string, lines: readonly string[], what: string): Promise<void> {
  try {
    await cutUnfinishedLine(path);
    await writeFile(path, lines.map((line) => `${line}\n`).join(''), { flag: 'a' });
  } catch (error) {
    // A failed append (disk full) may itself leave part of a line: cut it so the file stays whole.
    await cutUnfinishedLine(path).catch(() => undefined);
    throw fileError(error, what, path);
  }
}

async function cutUnfinishedLine(path: string): Promise<void> {
  let handle;
  try {
    handle = await open(path, 'r+');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return;
    throw error;
  }
  try {
    const { size } = await handle.stat();
    const chunk = Buffer.alloc(64 * 1024);
    let end = size;
    while (end > 0) {
      const start = Math.max(0, end - chunk.length);
      const { bytesRead } = await handle.read(chunk, 0, end - start, start);
      const newline = chunk.subarray(0, bytesRead).lastIndexOf(0x0a);
      if (newline >= 0) {
        end = start + newline + 1;
        break;
      }
      end = start;
    }
    if (end < size) await handle.truncate(end);
  } finally {
    await handle.close();
  }
}

export function fileError(error: unknown, what: string, path: string): unknown {
  const code = errorCode(error);
  if (code === 'ENOSPC' || code === 'EDQUOT') return new StoreFullError(what);
  if (code === 'EEXIST') return notAFolder(path, what);
  if (code === 'ENOTDIR') {
    return new StoreInputError(
      `A folder on the way to ${path} is a file (saving ${what}). Move that file away.`,
    );
  }
  if (code === 'EISDIR') {
    return new StoreInputError(`${path} is a folder where the store keeps a file (${what}). Move it away.`);
  }
  return error;
}

export function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}
