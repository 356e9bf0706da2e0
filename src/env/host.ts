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
