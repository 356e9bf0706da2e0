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
/** A load that ends on the browser's error page is tried again this many times, after 0.5 s, then 1 s. */
const LOAD_RETRIES = 2;
const LOAD_RETRY_MS = 500;

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
  /** The last load ended on the browser's error page (another origin) instead of the task page. */
  private loadFailed = false;
  /** Counts watchLoad()s: a load watched by an older one is left to the newer. */
  private loadGeneration = 0;
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
      if (this.loadFailed) {
        throw new Error(
          `the browser could not load ${this.url} and shows its error page instead (a network error, or a response without the lab's cross-origin isolation headers)`,
        );
      }
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

  /**
   * Resolves at the page's next load, from when its errors are collected. A load that ends on the
   * browser's error page is tried again (LOAD_RETRIES): a browser short of resources for a moment
   * (net::ERR_INSUFFICIENT_RESOURCES, seen when thousands of loads follow each other in one page)
   * loads it on the next try. After that, ready() says the page could not load.
   */
  private watchLoad(): Promise<void> {
    const generation = ++this.loadGeneration;
    this.isLoaded = false;
    this.loadFailed = false;
    this.readyWin = null;
    let retries = 0;
    return new Promise((resolve) => {
      const onLoad = (): void => {
        // A reload() since: that load is watched by its own listener.
        if (generation !== this.loadGeneration) return resolve();
        const win = this.iframe.contentWindow;
        try {
          if (win) {
            watchPageErrors(win, this.errors);
            keepFocusAcrossFrames(win);
          }
        } catch {
          // The error page is of another origin.
          if (retries < LOAD_RETRIES) {
            retries++;
            setTimeout(() => {
              if (generation !== this.loadGeneration || this.closed) return resolve();
              this.iframe.addEventListener('load', onLoad, { once: true });
              this.iframe.src = this.url;
            }, LOAD_RETRY_MS * retries);
            return;
          }
          this.loadFailed = true;
        }
        this.isLoaded = true;
        resolve();
      };
      this.iframe.addEventListener('load', onLoad, { once: true });
    });
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
