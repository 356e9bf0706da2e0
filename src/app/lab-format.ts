/**
 * Small pieces the Data and Train pages share: numbers written for people, asset loading and
 * downloads.
 */

export { formatFlops, formatPercent } from '../report/format.ts';

/** 83_000 -> "1 min 23 s". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export function formatCount(count: number): string {
  return count.toLocaleString('en-US');
}

export function formatDate(ms: number): string {
  return new Date(ms).toLocaleString('en-GB', {
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
  });
}

/** The message of anything thrown, for a notice on the page. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The lab's shipped files (the base student) as the dev server and the build serve them. */
export async function loadAsset(path: string): Promise<ArrayBuffer> {
  const url = `/${path.replace(/^\/+/, '')}`;
  const response = await fetch(url);
  if (!response.ok) {
    throw new Error(
      `Could not load ${url} (HTTP ${response.status}): the lab's assets are missing from this server; ` +
        'serve the lab with `npm start` from the repository, or pick model.init "scratch".',
    );
  }
  return response.arrayBuffer();
}

/** Saves text as a file through the browser's download. */
export function downloadText(fileName: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  // The click has started the download; the URL can go once the event loop turns.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** "2026-11-25-14-21-03": a timestamp for file names. */
export function fileStamp(now: number = Date.now()): string {
  return new Date(now).toISOString().slice(0, 19).replace(/[:T]/g, '-');
}
