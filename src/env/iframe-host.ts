import { speaksProtocol, type MiniWobWindow } from '../tasks/core/protocol.ts';
import { keepFocusAcrossFrames } from './dom-events.ts';
import { PageClosedError, watchPageErrors, type PageHost } from './host.ts';

/** The address of a task page: a built-in task, or an official page served from the user's folder. */
export function taskPageUrl(task: string, source: 'built-in' | 'official' = 'built-in'): string {
  return source === 'official'
    ? `/miniwob-official/miniwob/${task}.html`
    : `/task.html?task=${encodeURIComponent(task)}`;
}

/** How often ready() looks for the core's readiness once the page has loaded, and for a closed page before. */
const READY_POLL_MS = 20;
const LOAD_POLL_MS = 100;

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A task page in a same-origin iframe. The driver reaches into the frame directly (no message
 * passing, no remote protocol): that is what makes the in-page environment fast.
 */
export class IframePageHost implements PageHost {
  readonly hasLayout = true;
  readonly iframe: HTMLIFrameElement;
  private readonly errors: string[] = [];
  private loaded: Promise<void>;
  private isLoaded = false;
  /** The page's window once it was found ready, until the next load: checked once, not at every reset. */
  private readyWin: MiniWobWindow | null = null;

  constructor(
    readonly url: string,
    container: HTMLElement,
    readonly label = url,
  ) {
    this.iframe = container.ownerDocument.createElement('iframe');
    this.iframe.title = `Task page ${label}`;
    this.iframe.width = '160';
    this.iframe.height = '210';
    this.iframe.style.border = '0';
    this.loaded = this.watchLoad();
    this.iframe.src = url;
    container.append(this.iframe);
  }

  async ready(timeoutMs: number): Promise<MiniWobWindow> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.closed) throw new PageClosedError(this.label);
      const win = this.readyWindow();
      if (win) return win;
      if (Date.now() > deadline) {
        throw new Error(
          `it did not become ready within ${timeoutMs} ms (no MiniWob++ core, or WOB_TASK_READY stayed false)` +
            (this.errors.length ? `; the page reported: ${this.errors.join('; ')}` : ''),
        );
      }
      // Until the page loads (at once when it does), then until its core says it is ready.
      await (this.isLoaded ? delay(READY_POLL_MS) : Promise.race([this.loaded, delay(LOAD_POLL_MS)]));
    }
  }

  /** Its iframe has left the document: its page is gone, and a load never comes. */
  get closed(): boolean {
    return !this.iframe.isConnected;
  }

  /** The page's window once it has loaded and is ready; null before (or while a reload is on its way). */
  private readyWindow(): MiniWobWindow | null {
    if (this.readyWin) return this.readyWin;
    const win = this.iframe.contentWindow;
    if (this.isLoaded && win && speaksProtocol(win) && win.WOB_TASK_READY !== false) this.readyWin = win;
    return this.readyWin;
  }

  /** Resolves at the page's next load, from when its errors are collected. */
  private watchLoad(): Promise<void> {
    this.isLoaded = false;
    this.readyWin = null;
    return new Promise((resolve) =>
      this.iframe.addEventListener(
        'load',
        () => {
          this.isLoaded = true;
          const win = this.iframe.contentWindow;
          if (win) {
            watchPageErrors(win, this.errors);
            keepFocusAcrossFrames(win);
          }
          resolve();
        },
        { once: true },
      ),
    );
  }

  takePageErrors(): string[] {
    return this.errors.splice(0);
  }

  /** Loads the page again (after it crashed, say); the next ready() waits for it. */
  reload(): void {
    this.loaded = this.watchLoad();
    this.iframe.src = this.url;
  }

  dispose(): void {
    this.iframe.remove();
  }
}
