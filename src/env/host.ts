import type { MiniWobWindow } from '../tasks/core/protocol.ts';

/**
 * Where a task page lives: an iframe in the browser, or a DOM implementation's window in Node.
 * The environment only ever talks to the page's window through the MiniWob++ protocol.
 */
export interface PageHost {
  /** A short label for messages: the task name or the page address. */
  readonly label: string;
  /** True when the page has layout (coordinates, elementFromPoint): a real browser. */
  readonly hasLayout: boolean;
  /** Resolves with the page's window once it speaks the protocol and is ready; rejects with a clear message. */
  ready(timeoutMs: number): Promise<MiniWobWindow>;
  /** Uncaught errors the page raised since the last call. */
  takePageErrors(): string[];
  /** True once the page is gone for good (its iframe left the document): nothing on it can end. */
  readonly closed: boolean;
  /** Frees the page. */
  dispose(): void;
}

/** Collects a window's uncaught errors and unhandled rejections as messages. */
export function watchPageErrors(win: Window, sink: string[]): void {
  win.addEventListener('error', (event) => {
    const e = event as ErrorEvent;
    sink.push(e.message || String(e.error ?? 'unknown error'));
  });
  win.addEventListener('unhandledrejection', (event) => {
    sink.push(`unhandled rejection: ${String((event as PromiseRejectionEvent).reason)}`);
  });
}

/**
 * The page an episode ran on was closed under it: its iframe left the document (the page that held
 * the pool was closed or reloaded). A closed page's timers never fire and its episode can never end,
 * so this is thrown through the pool instead of recorded as a failed episode: it is no verdict of the
 * task or the policy, and a run that meets it pauses at its last checkpoint.
 */
export class PageClosedError extends Error {
  constructor(label?: string) {
    super(
      `The task page${label ? ` ${label}` : ''} was closed while an episode ran on it (its iframe left the document).`,
    );
    this.name = 'PageClosedError';
  }
}

/** How often a wait on a page's own timer checks that the page is still open. */
const CLOSED_POLL_MS = 200;

/**
 * Waits `ms` on the page's own clock, so that the timers and handlers the page scheduled before run
 * first; rejects with PageClosedError if the page is or gets closed, whose timers never fire.
 */
export function pageDelay(win: Window, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    if (win.closed) {
      reject(new PageClosedError());
      return;
    }
    const watch = setInterval(() => {
      if (!win.closed) return;
      clearInterval(watch);
      reject(new PageClosedError());
    }, CLOSED_POLL_MS);
    win.setTimeout(() => {
      clearInterval(watch);
      resolve();
    }, ms);
  });
}
